package dev.portcullis.tools;

import dev.portcullis.config.ConfigException;
import dev.portcullis.config.ConfigReader;
import java.util.List;
import java.util.Map;

/** Small configs for the policy tests, read through the real config reader. */
final class Fixtures {
    static final String ISS = "https://dev-123456.okta.com/oauth2/default";
    static final String ISS2 = "https://acme.eu.auth0.com/";

    /** Two issuers, a host route with deny and allow entries, an issuer-restricted route, a public one. */
    static final String CONFIG = """
            issuers:
              - { id: okta, issuer: "%s", audiences: [api://default], groups_claim: groups }
              - { id: auth0, issuer: "%s", audiences: [api://default], groups_claim: "https://acme/roles" }
            routes:
              - id: orders
                match: { host: api.example.com, path: /orders/** }
                upstream: http://127.0.0.1:9001
                deny:  [ { groups_any: [suspended] }, { methods: [DELETE], claims: { tier: [trial] } } ]
                allow:
                  - { methods: [GET, HEAD], groups_any: [readers, admins] }
                  - { methods: [POST, PUT, PATCH, DELETE], groups_any: [admins] }
                  - { methods: [GET], scopes_all: [orders.read, orders.list] }
                  - { methods: [OPTIONS], claims: { department: [eng, ops] } }
              - id: orders-item
                match: { host: api.example.com, path: /orders/*/items }
                upstream: http://127.0.0.1:9001
                allow: [ { groups_all: [admins, auditors] } ]
              - id: okta-only
                match: { path: /internal/** }
                upstream: http://127.0.0.1:9002
                issuers: [okta]
                allow: [ { methods: [GET] } ]
              - id: docs
                match: { path: /docs/** }
                upstream: http://127.0.0.1:9003
                public: true
            """.formatted(ISS, ISS2);

    private Fixtures() {
    }

    static PolicyModel model() {
        return model(CONFIG);
    }

    static PolicyModel model(String yaml) {
        try {
            return PolicyModel.compile(new ConfigReader().read("test.yaml", yaml));
        } catch (ConfigException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static Caller.Claimed who(String issuer, List<String> groups, List<String> scopes, Map<String, Object> claims) {
        return Callers.stated(model(), issuer, "alice", groups, scopes, null, claims, "stated");
    }

    static Caller.Claimed groups(String... groups) {
        return who("okta", List.of(groups), List.of(), Map.of());
    }
}
