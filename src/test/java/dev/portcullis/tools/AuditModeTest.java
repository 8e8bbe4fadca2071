package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.vocab.Reason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code mode: audit}, on a route (refusals forwarded and logged) and on an entry (evaluated,
 * not enforced): the answer is what the proxy does, the would-be answer is shown beside it.
 */
class AuditModeTest {
    private static final String CONFIG = """
            issuers:
              - { id: okta, issuer: "https://dev-123456.okta.com/oauth2/default", audiences: [api://default] }
            routes:
              - id: orders
                match: { path: /orders/** }
                upstream: http://127.0.0.1:9001
                deny:  [ { groups_any: [suspended] }, { groups_any: [interns], mode: audit } ]
                allow:
                  - { methods: [GET], groups_any: [readers] }
                  - { methods: [GET], groups_any: [everyone], mode: audit }
              - id: beta
                match: { path: /beta/** }
                upstream: http://127.0.0.1:9002
                mode: audit
                allow: [ { groups_any: [beta-testers] } ]
            """;
    private static final PolicyModel MODEL = Fixtures.model(CONFIG);
    private static final PolicyEvaluator EVALUATOR = new PolicyEvaluator(MODEL);

    private static Caller.Claimed groups(String... g) {
        return Callers.stated(MODEL, null, "alice", List.of(g), List.of(), null, Map.of(), "stated");
    }

    @Test
    void aRouteInAuditModeForwardsWhatItWouldRefuse() {
        Explanation refused = EVALUATOR.explain("GET", "/beta/x", groups("readers"));
        assertThat(refused.reason()).isEqualTo(Reason.AUDIT_MODE);
        assertThat(refused.wouldBe()).isEqualTo(Reason.GROUP_DENIED);
        assertThat(refused.allowed()).isTrue();

        Explanation anonymous = EVALUATOR.explain("GET", "/beta/x", Caller.anonymous());
        assertThat(anonymous.reason()).isEqualTo(Reason.AUDIT_MODE);
        assertThat(anonymous.wouldBe()).isEqualTo(Reason.TOKEN_MISSING);

        Explanation allowed = EVALUATOR.explain("GET", "/beta/x", groups("beta-testers"));
        assertThat(allowed.reason()).isEqualTo(Reason.ALLOWED);
        assertThat(allowed.wouldBe()).isNull();
    }

    @Test
    void anEntryInAuditModeIsTracedButNeverDecides() {
        Explanation e = EVALUATOR.explain("GET", "/orders/1", groups("readers", "interns"));

        assertThat(e.reason()).isEqualTo(Reason.ALLOWED);
        assertThat(e.wouldBe()).isEqualTo(Reason.DENY_RULE);
        assertThat(e.rules()).extracting(RuleTrace::name, RuleTrace::matched, RuleTrace::audit, RuleTrace::decisive)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("deny[0]", false, false, false),
                        org.assertj.core.groups.Tuple.tuple("deny[1]", true, true, false),
                        org.assertj.core.groups.Tuple.tuple("allow[0]", true, false, true),
                        org.assertj.core.groups.Tuple.tuple("allow[1]", false, true, false));
        assertThat(e.notes()).anyMatch(n -> n.contains("would be 403 deny_rule"));
        assertThat(ExplanationFormat.text(e, MODEL.ruleClaims()))
                .contains("deny[1]   yes  groups_any [interns]  [mode: audit]")
                .endsWith("decision: allow 200 allowed  (would be 403 deny_rule)\n");

        Explanation widened = EVALUATOR.explain("GET", "/orders/1", groups("everyone"));
        assertThat(widened.reason()).isEqualTo(Reason.GROUP_DENIED);
        assertThat(widened.wouldBe()).isEqualTo(Reason.ALLOWED);
        assertThat(widened.decisiveRule()).isNull();
    }

    @Test
    void theMatrixShowsEnforcedAccessAndListsAuditEntriesApart() {
        AccessMatrix m = AccessMatrix.of(MODEL);
        AccessMatrix.Row get = m.rows().stream().filter(r -> r.route().equals("orders") && r.method().equals("GET"))
                .findFirst().orElseThrow();

        assertThat(get.allowed()).containsExactly("group:readers");
        assertThat(get.denied()).containsExactly("group:suspended");
        assertThat(get.audit()).containsExactly("deny group:interns", "allow group:everyone");
        assertThat(m.rows().stream().filter(r -> r.route().equals("beta")).map(AccessMatrix.Row::access))
                .containsOnly("audit");
    }

    @Test
    void switchingARouteToAuditModeIsAGainForEveryone() {
        PolicyModel enforced = Fixtures.model(CONFIG.replace("    mode: audit\n", ""));

        PolicyDiff d = PolicyDiff.of(enforced, MODEL);
        assertThat(d.changes()).filteredOn(c -> c.effect() != PolicyDiff.Effect.NONE)
                .allMatch(c -> c.effect() == PolicyDiff.Effect.GAIN && c.route().equals("beta")
                        && c.requests().equals("/beta/**"))
                .extracting(PolicyDiff.Change::method, PolicyDiff.Change::subject)
                .contains(org.assertj.core.groups.Tuple.tuple("GET", "anonymous (no token)"),
                        org.assertj.core.groups.Tuple.tuple("DELETE", "any valid token"));
        assertThat(PolicyDiff.of(MODEL, enforced).changes()).extracting(PolicyDiff.Change::effect)
                .contains(PolicyDiff.Effect.LOSS).doesNotContain(PolicyDiff.Effect.GAIN);
    }

    @Test
    void enforcingAnAuditEntryIsALossForWhomItDenies() {
        PolicyModel enforced = Fixtures.model(CONFIG.replace("{ groups_any: [interns], mode: audit }",
                "{ groups_any: [interns] }"));

        PolicyDiff d = PolicyDiff.of(MODEL, enforced);
        assertThat(d.changes()).filteredOn(c -> c.effect() != PolicyDiff.Effect.NONE)
                .extracting(PolicyDiff.Change::effect, PolicyDiff.Change::method, PolicyDiff.Change::subject)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(PolicyDiff.Effect.LOSS, "GET",
                        "group:interns + group:readers"));
        // Denying interns the other methods, which they never had, changes no access.
        assertThat(d.changes()).filteredOn(c -> c.effect() == PolicyDiff.Effect.NONE)
                .extracting(PolicyDiff.Change::method, PolicyDiff.Change::change)
                .contains(org.assertj.core.groups.Tuple.tuple("DELETE", "deny added"));
        assertThat(d.hasGain()).isFalse();
    }

    @Test
    void anEntryAddedInAuditModeChangesNoAccess() {
        PolicyModel audited = Fixtures.model(CONFIG.replace("{ groups_any: [interns], mode: audit }",
                "{ groups_any: [interns], mode: audit }, { groups_any: [readers], mode: audit }"));

        assertThat(PolicyDiff.of(MODEL, audited).changes()).isEmpty();
    }
}
