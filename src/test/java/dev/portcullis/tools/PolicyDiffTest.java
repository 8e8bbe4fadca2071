package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.portcullis.tools.PolicyDiff.Effect;
import org.junit.jupiter.api.Test;

/** Gains and losses between two configs. */
class PolicyDiffTest {
    private static final PolicyModel OLD = Fixtures.model();

    @Test
    void identicalConfigsHaveNoChanges() {
        PolicyDiff d = PolicyDiff.of(OLD, Fixtures.model());

        assertThat(d.changes()).isEmpty();
        assertThat(d.hasGain()).isFalse();
    }

    @Test
    void reportsWhoGainsAndWhoLoses() {
        String changed = Fixtures.CONFIG
                .replace("groups_any: [readers, admins]", "groups_any: [readers, admins, auditors]")
                .replace("deny:  [ { groups_any: [suspended] }, ", "deny:  [ ")
                .replace("- { methods: [POST, PUT, PATCH, DELETE], groups_any: [admins] }",
                        "- { methods: [POST, PUT, PATCH], groups_any: [admins] }")
                .replace("    issuers: [okta]\n", "")
                .replace("""
                          - id: docs
                            match: { path: /docs/** }
                            upstream: http://127.0.0.1:9003
                            public: true
                        """, """
                          - id: docs
                            match: { path: /docs/** }
                            upstream: http://127.0.0.1:9003
                            allow: [ { groups_any: [staff] } ]
                          - id: status
                            match: { path: /status }
                            upstream: http://127.0.0.1:9003
                            public: true
                        """);
        PolicyDiff d = PolicyDiff.of(OLD, Fixtures.model(changed));

        assertThat(d.changes()).extracting(PolicyDiff.Change::effect, PolicyDiff.Change::route,
                PolicyDiff.Change::method, PolicyDiff.Change::change, PolicyDiff.Change::subject).contains(
                tuple(Effect.GAIN, "orders", "GET", "allow added", "group:auditors"),
                tuple(Effect.GAIN, "orders", "HEAD", "allow added", "group:auditors"),
                tuple(Effect.GAIN, "orders", "GET", "deny removed", "group:suspended"),
                tuple(Effect.LOSS, "orders", "DELETE", "allow removed", "group:admins"),
                tuple(Effect.GAIN, "okta-only", "*", "issuers widened", "any issuer"),
                tuple(Effect.LOSS, "docs", "*", "no longer public", "/docs/**"),
                tuple(Effect.GAIN, "status", "*", "route added, public", "/status"));
        assertThat(d.hasGain()).isTrue();
    }

    @Test
    void removalsAndNarrowingAreLosses() {
        String changed = Fixtures.CONFIG
                .replace("deny:  [ { groups_any: [suspended] }, ", "deny:  [ { groups_any: [suspended, frozen] }, ")
                .replace("""
                          - id: orders-item
                            match: { host: api.example.com, path: /orders/*/items }
                            upstream: http://127.0.0.1:9001
                            allow: [ { groups_all: [admins, auditors] } ]
                        """, "");
        PolicyDiff d = PolicyDiff.of(OLD, Fixtures.model(changed));

        assertThat(d.changes()).allMatch(c -> c.effect() == Effect.LOSS);
        assertThat(d.changes()).extracting(PolicyDiff.Change::change, PolicyDiff.Change::subject)
                .contains(tuple("deny added", "group:frozen"), tuple("route removed", "api.example.com/orders/*/items"));
        assertThat(d.hasGain()).isFalse();
    }

    @Test
    void aChangedMatchIsAGainToReview() {
        PolicyDiff d = PolicyDiff.of(OLD, Fixtures.model(Fixtures.CONFIG.replace("path: /internal/**",
                "path: /**")));

        assertThat(d.changes()).containsExactly(new PolicyDiff.Change(Effect.GAIN, "okta-only", "*", "match changed",
                "/internal/** -> /**"));
    }
}
