package dev.portcullis.tools;

import static dev.portcullis.tools.Fixtures.groups;
import static dev.portcullis.tools.Fixtures.who;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.vocab.Reason;
import dev.portcullis.route.PathNormalizer;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Each step of the request path, and the same decisions as the route's own AccessPolicy. */
class PolicyEvaluatorTest {
    private static final PolicyModel MODEL = Fixtures.model();
    private static final PolicyEvaluator EVALUATOR = new PolicyEvaluator(MODEL);
    private static final String ORDERS = "http://api.example.com/orders/42";

    static Stream<Arguments> decisions() {
        return Stream.of(
                arguments("GET", ORDERS, groups("readers"), Reason.ALLOWED, "allow[0]"),
                arguments("HEAD", ORDERS, groups("admins"), Reason.ALLOWED, "allow[0]"),
                arguments("DELETE", ORDERS, groups("readers"), Reason.GROUP_DENIED, null),
                arguments("DELETE", ORDERS, groups("admins"), Reason.ALLOWED, "allow[1]"),
                arguments("GET", ORDERS, groups("admins", "suspended"), Reason.DENY_RULE, "deny[0]"),
                arguments("DELETE", ORDERS, who("okta", List.of("admins"), List.of(), Map.of("tier", "trial")),
                        Reason.DENY_RULE, "deny[1]"),
                arguments("POST", ORDERS, who("okta", List.of("admins"), List.of(), Map.of("tier", "trial")),
                        Reason.ALLOWED, "allow[1]"),
                arguments("GET", ORDERS, who("okta", List.of(), List.of("orders.read"), Map.of()),
                        Reason.GROUP_DENIED, null),
                arguments("GET", ORDERS, who("okta", List.of(), List.of("orders.read", "orders.list"), Map.of()),
                        Reason.ALLOWED, "allow[2]"),
                arguments("OPTIONS", ORDERS, who("okta", List.of(), List.of(), Map.of("department", List.of("x", "ops"))),
                        Reason.ALLOWED, "allow[3]"),
                arguments("GET", ORDERS, groups("Readers"), Reason.GROUP_DENIED, null),
                arguments("GET", "http://api.example.com/orders/1/items", groups("admins"), Reason.GROUP_DENIED, null),
                arguments("GET", "http://api.example.com/orders/1/items", groups("admins", "auditors"),
                        Reason.ALLOWED, "allow[0]"),
                arguments("GET", "http://API.Example.com.:8443/internal/x", groups(), Reason.ALLOWED, "allow[0]"));
    }

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @MethodSource("decisions")
    void decidesAsTheRoutesAccessPolicy(String method, String url, Caller.Claimed who, Reason expected,
            String decidedBy) {
        Explanation e = EVALUATOR.explain(method, url, who);

        assertThat(e.reason()).isEqualTo(expected);
        assertThat(e.route().policy().authorize(who.identity(), method)).isEqualTo(e.reason());
        assertThat(e.decisiveRule() == null ? null : e.decisiveRule().name()).isEqualTo(decidedBy);
        assertThat(e.rules()).hasSize(e.route().policy().denyRules().size() + e.route().policy().allowRules().size());
    }

    @Test
    void everyEntryIsReportedWithTheConditionThatFailed() {
        Explanation e = EVALUATOR.explain("DELETE", ORDERS, groups("readers"));

        assertThat(e.rules()).extracting(RuleTrace::name, RuleTrace::matched, RuleTrace::unmet).containsExactly(
                org.assertj.core.groups.Tuple.tuple("deny[0]", false, "groups_any"),
                org.assertj.core.groups.Tuple.tuple("deny[1]", false, "claims.tier"),
                org.assertj.core.groups.Tuple.tuple("allow[0]", false, "methods"),
                org.assertj.core.groups.Tuple.tuple("allow[1]", false, "groups_any"),
                org.assertj.core.groups.Tuple.tuple("allow[2]", false, "methods"),
                org.assertj.core.groups.Tuple.tuple("allow[3]", false, "methods"));
        assertThat(e.rules().get(0).text()).isEqualTo("groups_any [suspended]");
        assertThat(e.rules().get(0).location()).isEqualTo("test.yaml:8");
        assertThat(e.path()).isEqualTo("/orders/42");
        assertThat(e.host()).isEqualTo("api.example.com");
    }

    @Test
    void claimMatchersAreShownAsWrittenAndTheUnmetOneIsNamed() {
        PolicyModel model = Fixtures.model(Fixtures.CONFIG.replace("claims: { department: [eng, ops] }",
                "claims: { email: { suffix: '@example.com' }, email_verified: true, dept: { one_of: [eng] } }"));
        PolicyEvaluator evaluator = new PolicyEvaluator(model);

        Explanation unverified = evaluator.explain("OPTIONS", ORDERS, Callers.stated(model, "okta", "ann", List.of(),
                List.of(), "ann@example.com", Map.of("email_verified", "true", "dept", "eng"), "stated"));
        Explanation verified = evaluator.explain("OPTIONS", ORDERS, Callers.stated(model, "okta", "ann", List.of(),
                List.of(), "ann@example.com", Map.of("email_verified", true, "dept", "eng"), "stated"));

        RuleTrace allow3 = unverified.rules().get(5);
        assertThat(allow3.name()).isEqualTo("allow[3]");
        assertThat(allow3.text()).isEqualTo("methods [OPTIONS], claims.email suffix [@example.com], "
                + "claims.email_verified true, claims.dept [eng]");
        assertThat(allow3.unmet()).as("the string \"true\" is not the boolean").isEqualTo("claims.email_verified");
        assertThat(unverified.reason()).isEqualTo(Reason.GROUP_DENIED);
        assertThat(verified.reason()).isEqualTo(Reason.ALLOWED);
        assertThat(verified.decisiveRule().name()).isEqualTo("allow[3]");
    }

    @Test
    void aMatchingAllowAfterAMatchingDenyIsShownButDoesNotDecide() {
        Explanation e = EVALUATOR.explain("GET", ORDERS, groups("readers", "suspended"));

        assertThat(e.reason()).isEqualTo(Reason.DENY_RULE);
        RuleTrace allow0 = e.rules().get(2);
        assertThat(allow0.matched()).isTrue();
        assertThat(allow0.decisive()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/orders/%2e%2e/%2e%2e/x", "/orders/a%2Fb", "/orders;x=1", "/orders/\\x", "/../orders",
        "/orders/%00", "/orders/%zz", "/orders/é", "/orders?a b"})
    void refusesPathsExactlyAsPathNormalizerDoes(String target) {
        assertThat(PathNormalizer.normalize(target)).isNull();

        Explanation e = EVALUATOR.explain("GET", "http://api.example.com" + target, groups("readers"));

        assertThat(e.reason()).isEqualTo(Reason.PATH_REJECTED);
        assertThat(e.reason().status()).isEqualTo(400);
        assertThat(e.path()).isNull();
        assertThat(e.route()).isNull();
    }

    @Test
    void judgesTheNormalizedPath() {
        Explanation e = EVALUATOR.explain("GET", "http://api.example.com/docs/..//orders/%34%32?x=1", groups("readers"));

        assertThat(e.path()).isEqualTo("/orders/42");
        assertThat(e.route().id()).isEqualTo("orders");
        assertThat(e.reason()).isEqualTo(Reason.ALLOWED);
    }

    @Test
    void aMethodOverrideInTheQueryIsRefusedUnlessItsRouteAllowsIt() {
        Explanation e = EVALUATOR.explain("POST", ORDERS + "?a=1&%5FMETHOD=DELETE", groups("admins"));
        assertThat(e.reason()).isEqualTo(Reason.METHOD_OVERRIDE_REJECTED);
        assertThat(e.reason().status()).isEqualTo(400);
        assertThat(EVALUATOR.explain("GET", "/docs/a?_method=DELETE", Caller.anonymous()).reason())
                .as("public routes too").isEqualTo(Reason.METHOD_OVERRIDE_REJECTED);
        assertThat(EVALUATOR.explain("POST", ORDERS + "?x_method=DELETE", groups("admins")).reason())
                .isEqualTo(Reason.ALLOWED);

        // server.method_override: allow is the default of every route that does not say otherwise.
        PolicyEvaluator allowing = new PolicyEvaluator(Fixtures.model(Fixtures.CONFIG.replace("routes:",
                "server: { method_override: allow }\nroutes:").replace("    public: true",
                "    public: true\n    method_override: refuse")));
        assertThat(allowing.explain("POST", ORDERS + "?_method=DELETE", groups("admins")).reason())
                .isEqualTo(Reason.ALLOWED);
        assertThat(allowing.explain("GET", "/docs/a?_method=DELETE", Caller.anonymous()).reason())
                .isEqualTo(Reason.METHOD_OVERRIDE_REJECTED);
    }

    @Test
    void noRouteIs404AndHostRoutesNeedTheirHost() {
        assertThat(EVALUATOR.explain("GET", "http://api.example.com/billing", groups("readers")).reason())
                .isEqualTo(Reason.NO_ROUTE);
        Explanation noHost = EVALUATOR.explain("GET", "/orders/42", groups("readers"));
        assertThat(noHost.reason()).isEqualTo(Reason.NO_ROUTE);
        assertThat(noHost.reason().status()).isEqualTo(404);
        assertThat(noHost.host()).isNull();
    }

    @Test
    void publicRoutesNeedNoTokenAndReadNoRules() {
        Explanation e = EVALUATOR.explain("DELETE", "/docs/a", Caller.anonymous());

        assertThat(e.reason()).isEqualTo(Reason.PUBLIC_ROUTE);
        assertThat(e.allowed()).isTrue();
        assertThat(e.rules()).isEmpty();
        assertThat(e.route().id()).isEqualTo("docs");
    }

    @Test
    void noTokenOnAProtectedRouteIs401TokenMissing() {
        Explanation e = EVALUATOR.explain("GET", ORDERS, Caller.anonymous());

        assertThat(e.reason()).isEqualTo(Reason.TOKEN_MISSING);
        assertThat(e.reason().status()).isEqualTo(401);
        assertThat(e.rules()).isEmpty();
    }

    @Test
    void routeIssuersAreChecked() {
        Caller.Claimed auth0 = who("auth0", List.of(), List.of(), Map.of());
        assertThat(EVALUATOR.explain("GET", "/internal/x", auth0).reason()).isEqualTo(Reason.ISSUER_NOT_ACCEPTED);
        assertThat(EVALUATOR.explain("GET", "/internal/x", groups()).reason()).isEqualTo(Reason.ALLOWED);

        Caller.Claimed unstated = who(null, List.of(), List.of(), Map.of());
        Explanation e = EVALUATOR.explain("GET", "/internal/x", unstated);
        assertThat(e.reason()).isEqualTo(Reason.ALLOWED);
        assertThat(e.notes()).anyMatch(n -> n.contains("accepts tokens of [okta] only") && n.contains("not checked"));
    }

    @Test
    void aRefusedTokenIsRefusedAfterRoutingAndTheIssuerCheck() {
        Caller refused = new Caller.Refused("auth0", Reason.CLAIMS_INVALID, "bad groups");
        assertThat(EVALUATOR.explain("GET", "/internal/x", refused).reason()).isEqualTo(Reason.ISSUER_NOT_ACCEPTED);
        assertThat(EVALUATOR.explain("GET", ORDERS, refused).reason()).isEqualTo(Reason.CLAIMS_INVALID);
        assertThat(EVALUATOR.explain("GET", "/docs/x", refused).reason()).isEqualTo(Reason.PUBLIC_ROUTE);
        assertThat(EVALUATOR.explain("GET", "/nowhere", refused).reason()).isEqualTo(Reason.NO_ROUTE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"get", "Delete", "GET ", ""})
    void methodsThatAreNotUpperCaseTokensAre400(String method) {
        Explanation e = EVALUATOR.explain(method, ORDERS, groups("admins"));

        assertThat(e.reason()).isEqualTo(Reason.BAD_REQUEST);
        assertThat(e.notes()).anyMatch(n -> n.contains("upper-case"));
    }

    @Test
    void anUnusableHostIs400() {
        assertThat(EVALUATOR.explain("GET", "http://a b/orders", groups("admins")).reason())
                .isEqualTo(Reason.BAD_REQUEST);
    }

    @Test
    void groupsAlsoAppearUnderTheIssuersGroupsClaim() {
        PolicyModel model = Fixtures.model(Fixtures.CONFIG.replace("claims: { department: [eng, ops] }",
                "claims: { \"https://acme/roles\": [ops] }"));
        Caller.Claimed c = Callers.stated(model, "auth0", "bob", List.of("ops"), List.of(), null, Map.of(), "stated");

        assertThat(new PolicyEvaluator(model).explain("OPTIONS", ORDERS, c).reason()).isEqualTo(Reason.ALLOWED);
    }
}
