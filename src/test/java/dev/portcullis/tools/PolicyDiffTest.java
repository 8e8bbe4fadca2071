package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import dev.portcullis.tools.PolicyDiff.Change;
import dev.portcullis.tools.PolicyDiff.Effect;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Gains and losses of effective access between two configs, and the rule changes that change none. */
class PolicyDiffTest {
    private static final PolicyModel OLD = Fixtures.model();

    private static java.util.List<Change> access(PolicyDiff d) {
        return d.changes().stream().filter(c -> c.effect() != Effect.NONE).toList();
    }

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

        assertThat(d.changes()).extracting(Change::effect, Change::route, Change::method, Change::change,
                Change::subject).contains(
                tuple(Effect.GAIN, "orders", "GET", "access gained", "group:auditors"),
                tuple(Effect.GAIN, "orders", "HEAD", "access gained", "group:auditors"),
                tuple(Effect.GAIN, "orders", "GET", "access gained", "group:readers + group:suspended"),
                tuple(Effect.LOSS, "orders", "DELETE", "access lost", "group:admins"),
                tuple(Effect.GAIN, "okta-only", "GET", "access gained", "any valid token (issuer auth0)"),
                tuple(Effect.LOSS, "docs", "GET", "access lost", "anonymous (no token)"),
                tuple(Effect.LOSS, "docs", "GET", "access lost", "any valid token"),
                tuple(Effect.GAIN, "status", "GET", "access gained", "anonymous (no token)"));
        assertThat(d.changes()).extracting(Change::subject).doesNotContain("group:staff");
        assertThat(d.hasGain()).isTrue();
    }

    @Test
    void aRemovedRouteHandsItsPathsToTheRouteAboveThem() {
        String changed = Fixtures.CONFIG
                .replace("deny:  [ { groups_any: [suspended] }, ", "deny:  [ { groups_any: [suspended, frozen] }, ")
                .replace("""
                          - id: orders-item
                            match: { host: api.example.com, path: /orders/*/items }
                            upstream: http://127.0.0.1:9001
                            allow: [ { groups_all: [admins, auditors] } ]
                        """, "");
        PolicyDiff d = PolicyDiff.of(OLD, Fixtures.model(changed));

        assertThat(d.changes()).extracting(Change::effect, Change::route, Change::method, Change::subject,
                Change::requests).contains(
                tuple(Effect.GAIN, "orders", "GET", "group:readers",
                        "api.example.com/orders/x/items, api.example.com/orders/x/items/"),
                tuple(Effect.LOSS, "orders", "GET", "group:frozen + group:readers", "api.example.com/orders/**"),
                tuple(Effect.LOSS, "orders-item", "GET", "group:admins + group:auditors + group:suspended",
                        "api.example.com/orders/*/items"));
        assertThat(d.hasGain()).isTrue();
    }

    @Test
    void aWidenedMatchGainsOnTheNewPathsOnly() {
        PolicyDiff d = PolicyDiff.of(OLD, Fixtures.model(Fixtures.CONFIG.replace("path: /internal/**", "path: /**")));

        assertThat(access(d)).extracting(Change::effect, Change::route, Change::method, Change::subject)
                .containsExactly(tuple(Effect.GAIN, "okta-only", "GET", "any valid token (issuer okta)"));
        assertThat(access(d).get(0).requests()).startsWith("/, /x, ").doesNotContain("/internal");
    }

    @Test
    void aNarrowedMatchIsOnlyALoss() {
        PolicyDiff d = PolicyDiff.of(OLD, Fixtures.model(Fixtures.CONFIG.replace("path: /internal/**",
                "path: /internal/a/**")));

        assertThat(access(d)).extracting(Change::effect).containsOnly(Effect.LOSS);
        assertThat(d.changes()).contains(new Change(Effect.NONE, "okta-only", "*", "match changed",
                "/internal/** -> /internal/a/**"));
        assertThat(d.hasGain()).isFalse();
    }

    @Test
    void aRenamedRouteChangesNoAccess() {
        PolicyDiff d = PolicyDiff.of(OLD, Fixtures.model(Fixtures.CONFIG.replace("id: docs", "id: handbook")));

        assertThat(d.changes()).extracting(Change::effect, Change::change).containsExactly(
                tuple(Effect.NONE, "route added, public"), tuple(Effect.NONE, "route removed"));
        assertThat(d.hasGain()).isFalse();
    }

    @Test
    void aPathThatMovesToAnotherRouteIsSeenBelowBothPatterns() {
        String before = """
                issuers: [ { id: okta, issuer: "%s", audiences: [a] } ]
                routes:
                  - { id: a, match: { path: /a/** }, upstream: http://127.0.0.1:9001, allow: [ { groups_any: [staff] } ] }
                  - { id: b, match: { path: /*/b/c }, upstream: http://127.0.0.1:9002, allow: [ { groups_any: [staff] } ] }
                """.formatted(Fixtures.ISS);
        String after = """
                issuers: [ { id: okta, issuer: "%s", audiences: [a] } ]
                routes:
                  - { id: a, match: { path: /a/x }, upstream: http://127.0.0.1:9001, allow: [ { groups_any: [staff] } ] }
                  - { id: c, match: { path: /*/b/** }, upstream: http://127.0.0.1:9003, allow: [ { groups_any: [interns] } ] }
                """.formatted(Fixtures.ISS);
        EffectiveAccess e = EffectiveAccess.compare(Fixtures.model(before), Fixtures.model(after));

        assertThat(e.facts()).filteredOn(f -> f.probe().path().equals("/a/b/c") && f.method().equals("GET"))
                .extracting(f -> f.effect(), f -> f.route().id(), f -> f.caller().text())
                .contains(tuple(Effect.GAIN, "c", "group:interns"), tuple(Effect.LOSS, "a", "group:staff"));
    }

    @Test
    void aSuffixThatNarrowsIsALossAndOneThatWidensIsAGain() {
        String config = """
                issuers: [ { id: okta, issuer: "%s", audiences: [a] } ]
                routes:
                  - { id: r, match: { path: /r }, upstream: http://127.0.0.1:9001, allow: [ { claims: { email: { suffix: "%s" } } } ] }
                """;
        PolicyModel wide = Fixtures.model(config.formatted(Fixtures.ISS, "example.com"));
        PolicyModel narrow = Fixtures.model(config.formatted(Fixtures.ISS, "@example.com"));

        assertThat(PolicyDiff.of(wide, narrow).hasGain()).isFalse();
        PolicyDiff widened = PolicyDiff.of(narrow, wide);
        assertThat(widened.hasGain()).isTrue();
        assertThat(access(widened)).extracting(Change::subject).containsOnly("claim:email ends with example.com");
    }

    @Test
    void aComparisonCutShortFailsClosed() {
        String groups = IntStream.range(0, 30).mapToObj(i -> "g" + i).collect(Collectors.joining(", "));
        String depts = IntStream.range(0, 20).mapToObj(i -> "d" + i).collect(Collectors.joining(", "));
        PolicyModel big = Fixtures.model(Fixtures.CONFIG.replace("allow: [ { groups_all: [admins, auditors] } ]",
                "allow: [ { groups_any: [" + groups + "], claims: { dept: [" + depts + "] } } ]"));

        PolicyDiff d = PolicyDiff.of(big, big);
        assertThat(d.changes()).isEmpty();
        assertThat(d.notes()).singleElement().asString().contains("orders-item", "512");
        assertThat(d.hasGain()).isTrue();
    }
}
