package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.demo.DevIssuer;
import dev.portcullis.demo.DevUsers;
import dev.portcullis.demo.UserSpec;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A policy tried end to end with the dev issuer, as the README shows: users given as with
 * {@code dev-issuer --user}, tokens from its dev route (with ad hoc {@code groups=} and
 * {@code scope=}), the real proxy verifying them, and what the upstream received.
 */
class DevIssuerPolicyIT {
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0 }
            upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
            issuers:
              - { id: dev, issuer: %DEV%, audiences: [api://default], max_token_lifetime: 1h }
            routes:
              - id: ledger
                match: { path: /ledger/** }
                upstream: %UPSTREAM%
                deny: [ { groups_any: [suspended] } ]
                allow:
                  - { methods: [GET], groups_any: [finance] }
                  - { methods: [POST], scopes_all: [ledger.write], claims: { email: { suffix: "@corp.example" } } }
            """;

    static DevIssuer dev;
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        dev = DevIssuer.start(0, Duration.ofMinutes(5), DevUsers.of(List.of(UserSpec.parse("ann:finance"),
                UserSpec.parse("ben@corp.example:ops:openid ledger.write"))));
        h = new Harness().start(CONFIG.replace("%DEV%", dev.issuer()));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        dev.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        h.upstream.clear();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "GET,  user=ann,                                   200, ann@example.com",
        "GET,  user=ben,                                   403, ",
        "GET,  'user=ann&groups=finance,suspended',        403, ",
        "GET,  user=zoe&groups=finance,                    200, zoe@example.com",
        "POST, user=ben,                                   200, ben@corp.example",
        "POST, user=ben&scope=openid,                      403, ",
        "POST, user=ann&scope=ledger.write,                403, ",
        "POST, user=zoe%40corp.example&scope=ledger.write, 200, zoe@corp.example",
    })
    void tokensFromTheDevRouteAreJudgedByThePolicy(String method, String query, int status, String subject)
            throws Exception {
        HttpResponse<String> minted = h.http.send(HttpRequest.newBuilder(
                URI.create(dev.issuer() + "/v1/dev/token?" + query)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(minted.statusCode()).as(minted.body()).isEqualTo(200);

        HttpResponse<String> res = h.send(method, "/ledger/1", minted.body().trim(), method.equals("POST") ? "{}" : null);

        assertThat(res.statusCode()).isEqualTo(status);
        if (status == 200) {
            RecordingUpstream.Received r = h.upstream.take();
            assertThat(r).isNotNull();
            assertThat(r.requestLine()).isEqualTo(method + " /ledger/1 HTTP/1.1");
            assertThat(r.header("X-Auth-Subject")).isEqualTo(subject);
        } else {
            assertThat(h.upstream.poll()).as("the upstream must receive nothing").isNull();
        }
    }
}
