package dev.portcullis.authz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.config.ClaimConfig;
import dev.portcullis.config.RuleConfig;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each condition on its own, then deny over allow, then default deny. Values compare exactly. */
class AccessPolicyTest {

    /** A rule as written in a config file; conditions left out are null. */
    private record RuleBuilder(List<String> methods, List<String> groupsAny, List<String> groupsAll,
            List<String> scopesAny, List<String> scopesAll, Map<String, ClaimConfig> claims) {

        static RuleBuilder rule() {
            return new RuleBuilder(null, null, null, null, null, Map.of());
        }

        RuleBuilder methods(String... v) {
            return new RuleBuilder(List.of(v), groupsAny, groupsAll, scopesAny, scopesAll, claims);
        }

        RuleBuilder groupsAny(String... v) {
            return new RuleBuilder(methods, List.of(v), groupsAll, scopesAny, scopesAll, claims);
        }

        RuleBuilder groupsAll(String... v) {
            return new RuleBuilder(methods, groupsAny, List.of(v), scopesAny, scopesAll, claims);
        }

        RuleBuilder scopesAny(String... v) {
            return new RuleBuilder(methods, groupsAny, groupsAll, List.of(v), scopesAll, claims);
        }

        RuleBuilder scopesAll(String... v) {
            return new RuleBuilder(methods, groupsAny, groupsAll, scopesAny, List.of(v), claims);
        }

        RuleBuilder claim(String name, String... values) {
            return claim(name, new ClaimConfig.OneOf(List.of(values)));
        }

        RuleBuilder suffix(String name, String... suffixes) {
            return claim(name, new ClaimConfig.Suffix(List.of(suffixes)));
        }

        RuleBuilder bool(String name, boolean value) {
            return claim(name, new ClaimConfig.Bool(value));
        }

        RuleBuilder claim(String name, ClaimConfig condition) {
            Map<String, ClaimConfig> c = new LinkedHashMap<>(claims);
            c.put(name, condition);
            return new RuleBuilder(methods, groupsAny, groupsAll, scopesAny, scopesAll, c);
        }

        RuleConfig build() {
            return new RuleConfig(methods, groupsAny, groupsAll, scopesAny, scopesAll, claims, "test.yaml:1");
        }
    }

    /** A caller with no groups, no scopes and only a subject; each case adds what it needs. */
    private static final Identity NOBODY = new Identity("okta", "alice", Set.of(), Set.of(), null, null, null,
            2_000_000_000L, Map.of("sub", "alice"));

    private static UnaryOperator<Identity> groups(String... g) {
        return who -> new Identity(who.issuerId(), who.subject(), Set.of(g), who.scopes(), who.email(),
                who.tokenId(), who.clientId(), who.expiresAt(), who.claims());
    }

    private static UnaryOperator<Identity> scopes(String... s) {
        return who -> new Identity(who.issuerId(), who.subject(), who.groups(), Set.of(s), who.email(),
                who.tokenId(), who.clientId(), who.expiresAt(), who.claims());
    }

    private static UnaryOperator<Identity> claim(String name, Object value) {
        return who -> {
            Map<String, Object> c = new LinkedHashMap<>(who.claims());
            c.put(name, value);
            return new Identity(who.issuerId(), who.subject(), who.groups(), who.scopes(), who.email(),
                    who.tokenId(), who.clientId(), who.expiresAt(), c);
        };
    }

    private static UnaryOperator<Identity> then(UnaryOperator<Identity> first, UnaryOperator<Identity> second) {
        return who -> second.apply(first.apply(who));
    }

    private static Arguments allowCase(String name, RuleBuilder allow, UnaryOperator<Identity> who, String method,
            Reason expected) {
        return arguments(name, List.of(allow.build()), List.of(), who, method, expected);
    }

    static Stream<Arguments> conditions() {
        RuleBuilder get = RuleBuilder.rule().methods("GET", "HEAD");
        RuleBuilder readers = RuleBuilder.rule().groupsAny("orders-readers", "orders-admins");
        RuleBuilder both = RuleBuilder.rule().groupsAll("orders-readers", "eu-staff");
        RuleBuilder readScope = RuleBuilder.rule().scopesAny("orders.read", "orders.admin");
        RuleBuilder twoScopes = RuleBuilder.rule().scopesAll("orders.read", "orders.write");
        RuleBuilder tenant = RuleBuilder.rule().claim("tenant", "acme", "globex");
        RuleBuilder level = RuleBuilder.rule().claim("level", "3");
        RuleBuilder verified = RuleBuilder.rule().claim("email_verified", "true");
        RuleBuilder twoClaims = RuleBuilder.rule().claim("tenant", "acme").claim("level", "3");
        RuleBuilder readersGet = RuleBuilder.rule().methods("GET").groupsAny("orders-readers");
        UnaryOperator<Identity> none = UnaryOperator.identity();
        return Stream.of(
                allowCase("methods: listed method", get, none, "GET", Reason.ALLOWED),
                allowCase("methods: other listed method", get, none, "HEAD", Reason.ALLOWED),
                allowCase("methods: unlisted method", get, none, "POST", Reason.GROUP_DENIED),
                allowCase("methods: case matters", get, none, "get", Reason.GROUP_DENIED),

                allowCase("groups_any: one of them", readers, groups("orders-readers"), "GET", Reason.ALLOWED),
                allowCase("groups_any: the other among more", readers, groups("x", "orders-admins"), "GET",
                        Reason.ALLOWED),
                allowCase("groups_any: no groups", readers, none, "GET", Reason.GROUP_DENIED),
                allowCase("groups_any: longer name", readers, groups("orders-readers-admin"), "GET",
                        Reason.GROUP_DENIED),
                allowCase("groups_any: prefixed name", readers, groups("not-orders-readers"), "GET",
                        Reason.GROUP_DENIED),
                allowCase("groups_any: other case", readers, groups("Orders-Readers"), "GET", Reason.GROUP_DENIED),
                allowCase("groups_any: shorter name", readers, groups("orders-reader"), "GET", Reason.GROUP_DENIED),
                allowCase("groups_any: trailing space", readers, groups("orders-readers "), "GET",
                        Reason.GROUP_DENIED),
                allowCase("groups_any: one word of it", readers, groups("orders"), "GET", Reason.GROUP_DENIED),
                allowCase("groups_any: both words as a list", readers, groups("orders", "readers"), "GET",
                        Reason.GROUP_DENIED),

                allowCase("groups_all: all of them", both, groups("orders-readers", "eu-staff"), "GET",
                        Reason.ALLOWED),
                allowCase("groups_all: all and more", both, groups("orders-readers", "eu-staff", "x"), "GET",
                        Reason.ALLOWED),
                allowCase("groups_all: one missing", both, groups("orders-readers"), "GET", Reason.GROUP_DENIED),
                allowCase("groups_all: the other missing", both, groups("eu-staff"), "GET", Reason.GROUP_DENIED),
                allowCase("groups_all: look-alike", both, groups("orders-readers", "eu-staff-ext"), "GET",
                        Reason.GROUP_DENIED),
                allowCase("groups_all: none", both, none, "GET", Reason.GROUP_DENIED),

                allowCase("scopes_any: one of them", readScope, scopes("orders.read"), "GET", Reason.ALLOWED),
                allowCase("scopes_any: other scope", readScope, scopes("orders.write"), "GET", Reason.GROUP_DENIED),
                allowCase("scopes_any: longer scope", readScope, scopes("orders.read.all"), "GET",
                        Reason.GROUP_DENIED),
                allowCase("scopes_any: other case", readScope, scopes("Orders.Read"), "GET", Reason.GROUP_DENIED),
                allowCase("scopes_any: groups do not count as scopes", readScope, groups("orders.read"), "GET",
                        Reason.GROUP_DENIED),
                allowCase("scopes_all: all of them", twoScopes, scopes("orders.read", "orders.write", "x"), "GET",
                        Reason.ALLOWED),
                allowCase("scopes_all: one missing", twoScopes, scopes("orders.read"), "GET", Reason.GROUP_DENIED),

                allowCase("claims: string equal", tenant, claim("tenant", "acme"), "GET", Reason.ALLOWED),
                allowCase("claims: other accepted value", tenant, claim("tenant", "globex"), "GET", Reason.ALLOWED),
                allowCase("claims: string longer", tenant, claim("tenant", "acme-corp"), "GET", Reason.GROUP_DENIED),
                allowCase("claims: string other case", tenant, claim("tenant", "ACME"), "GET", Reason.GROUP_DENIED),
                allowCase("claims: absent", tenant, none, "GET", Reason.GROUP_DENIED),
                allowCase("claims: array holding one", tenant, claim("tenant", List.of("x", "acme")), "GET",
                        Reason.ALLOWED),
                allowCase("claims: array holding none", tenant, claim("tenant", List.of("x", "acme-corp")), "GET",
                        Reason.GROUP_DENIED),
                allowCase("claims: empty array", tenant, claim("tenant", List.of()), "GET", Reason.GROUP_DENIED),
                allowCase("claims: number equal", level, claim("level", 3L), "GET", Reason.ALLOWED),
                allowCase("claims: number in an array", level, claim("level", List.of(1L, 3L)), "GET",
                        Reason.ALLOWED),
                allowCase("claims: number differs", level, claim("level", 4L), "GET", Reason.GROUP_DENIED),
                allowCase("claims: number 33", level, claim("level", 33L), "GET", Reason.GROUP_DENIED),
                allowCase("claims: string of the number", level, claim("level", "3"), "GET", Reason.ALLOWED),
                allowCase("claims: boolean true", verified, claim("email_verified", true), "GET", Reason.ALLOWED),
                allowCase("claims: boolean false", verified, claim("email_verified", false), "GET",
                        Reason.GROUP_DENIED),
                allowCase("claims: both hold", twoClaims, then(claim("tenant", "acme"), claim("level", 3L)),
                        "GET", Reason.ALLOWED),
                allowCase("claims: only one holds", twoClaims, then(claim("tenant", "acme"), claim("level", 2L)),
                        "GET", Reason.GROUP_DENIED),

                allowCase("every condition must hold: both", readersGet, groups("orders-readers"), "GET",
                        Reason.ALLOWED),
                allowCase("every condition must hold: wrong method", readersGet, groups("orders-readers"), "POST",
                        Reason.GROUP_DENIED),
                allowCase("every condition must hold: wrong group", readersGet, groups("orders-admins"), "GET",
                        Reason.GROUP_DENIED));
    }

    /** The explicit matchers: {@code suffix}, a JSON boolean, {@code one_of}; and how each treats the other types. */
    static Stream<Arguments> claimMatchers() {
        RuleBuilder domain = RuleBuilder.rule().suffix("email", "@example.com");
        RuleBuilder twoDomains = RuleBuilder.rule().suffix("email", "@example.com", "@example.org");
        RuleBuilder verified = RuleBuilder.rule().bool("email_verified", true);
        RuleBuilder unverified = RuleBuilder.rule().bool("email_verified", false);
        RuleBuilder dept = RuleBuilder.rule().claim("department", new ClaimConfig.OneOf(List.of("eng", "ops")));
        RuleBuilder both = RuleBuilder.rule().suffix("email", "@example.com").bool("email_verified", true);
        RuleBuilder literal = RuleBuilder.rule().claim("email", "*@example.com");
        UnaryOperator<Identity> none = UnaryOperator.identity();
        return Stream.of(
                allowCase("suffix: ends with it", domain, claim("email", "ann@example.com"), "GET", Reason.ALLOWED),
                allowCase("suffix: the suffix alone", domain, claim("email", "@example.com"), "GET", Reason.ALLOWED),
                allowCase("suffix: subdomain is another ending", domain, claim("email", "ann@eu.example.com"), "GET",
                        Reason.GROUP_DENIED),
                allowCase("suffix: longer domain", domain, claim("email", "ann@example.com.evil.io"), "GET",
                        Reason.GROUP_DENIED),
                allowCase("suffix: lookalike domain", domain, claim("email", "ann@evilexample.com"), "GET",
                        Reason.GROUP_DENIED),
                allowCase("suffix: other case (case-sensitive)", domain, claim("email", "ann@EXAMPLE.COM"), "GET",
                        Reason.GROUP_DENIED),
                allowCase("suffix: Kelvin sign is no k", RuleBuilder.rule().suffix("email", "@kroger.com"),
                        claim("email", "ann@\u212Aroger.com"), "GET", Reason.GROUP_DENIED),
                allowCase("suffix: trailing space", domain, claim("email", "ann@example.com "), "GET",
                        Reason.GROUP_DENIED),
                allowCase("suffix: absent", domain, none, "GET", Reason.GROUP_DENIED),
                allowCase("suffix: array holding one", domain, claim("email", List.of("x@evil.io", "ann@example.com")),
                        "GET", Reason.ALLOWED),
                allowCase("suffix: array holding none", domain, claim("email", List.of("x@evil.io")), "GET",
                        Reason.GROUP_DENIED),
                allowCase("suffix: a number never matches", RuleBuilder.rule().suffix("level", "3"),
                        claim("level", 3L), "GET", Reason.GROUP_DENIED),
                allowCase("suffix: a boolean never matches", RuleBuilder.rule().suffix("flag", "true"),
                        claim("flag", true), "GET", Reason.GROUP_DENIED),
                allowCase("suffix: second of two", twoDomains, claim("email", "ann@example.org"), "GET",
                        Reason.ALLOWED),

                allowCase("boolean: true", verified, claim("email_verified", true), "GET", Reason.ALLOWED),
                allowCase("boolean: false", verified, claim("email_verified", false), "GET", Reason.GROUP_DENIED),
                allowCase("boolean: the string true is not a boolean", verified, claim("email_verified", "true"),
                        "GET", Reason.GROUP_DENIED),
                allowCase("boolean: the number 1 is not a boolean", verified, claim("email_verified", 1L), "GET",
                        Reason.GROUP_DENIED),
                allowCase("boolean: absent", verified, none, "GET", Reason.GROUP_DENIED),
                allowCase("boolean: absent is not false", unverified, none, "GET", Reason.GROUP_DENIED),
                allowCase("boolean: false wanted", unverified, claim("email_verified", false), "GET", Reason.ALLOWED),
                allowCase("boolean: in an array", verified, claim("email_verified", List.of(false, true)), "GET",
                        Reason.ALLOWED),

                allowCase("one_of: one of them", dept, claim("department", "ops"), "GET", Reason.ALLOWED),
                allowCase("one_of: none of them", dept, claim("department", "sales"), "GET", Reason.GROUP_DENIED),
                allowCase("one_of: array holding one", dept, claim("department", List.of("sales", "eng")), "GET",
                        Reason.ALLOWED),
                allowCase("one_of: prefix of one", dept, claim("department", "en"), "GET", Reason.GROUP_DENIED),

                allowCase("suffix and boolean: both hold", both,
                        then(claim("email", "ann@example.com"), claim("email_verified", true)), "GET", Reason.ALLOWED),
                allowCase("suffix and boolean: unverified", both,
                        then(claim("email", "ann@example.com"), claim("email_verified", false)), "GET",
                        Reason.GROUP_DENIED),
                allowCase("plain '*' is literal: no glob", literal, claim("email", "ann@example.com"), "GET",
                        Reason.GROUP_DENIED),
                allowCase("plain '*' is literal: the literal text", literal, claim("email", "*@example.com"), "GET",
                        Reason.ALLOWED));
    }

    @Test
    void aSuffixMatcherRefusesAnEmptySuffix() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClaimMatcher.Suffix(List.of("")))
                .isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ClaimMatcher.Suffix(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource({"conditions", "denyOverAllow", "claimMatchers"})
    void decides(String name, List<RuleConfig> allow, List<RuleConfig> deny, UnaryOperator<Identity> who,
            String method, Reason expected) {
        AccessPolicy policy = AccessPolicy.compile(allow, deny);

        assertThat(policy.authorize(who.apply(NOBODY), method)).isEqualTo(expected);
    }

    static Stream<Arguments> denyOverAllow() {
        List<RuleConfig> allowReaders = List.of(RuleBuilder.rule().groupsAny("orders-readers").build());
        List<RuleConfig> allowTwo = List.of(
                RuleBuilder.rule().methods("GET").groupsAny("orders-readers").build(),
                RuleBuilder.rule().methods("POST", "DELETE").groupsAny("orders-admins").build());
        List<RuleConfig> denySuspended = List.of(RuleBuilder.rule().groupsAny("suspended").build());
        List<RuleConfig> denyDelete = List.of(RuleBuilder.rule().methods("DELETE").build());
        List<RuleConfig> denyTenant = List.of(RuleBuilder.rule().claim("tenant", "blocked").build());
        return Stream.of(
                arguments("deny overrides allow", allowReaders, denySuspended,
                        groups("orders-readers", "suspended"), "GET", Reason.DENY_RULE),
                arguments("deny without allow is still deny", allowReaders, denySuspended, groups("suspended"),
                        "GET", Reason.DENY_RULE),
                arguments("deny not matched: allow decides", allowReaders, denySuspended, groups("orders-readers"),
                        "GET", Reason.ALLOWED),
                arguments("deny matches exact names only", allowReaders, denySuspended,
                        groups("orders-readers", "suspended-until-monday"), "GET", Reason.ALLOWED),
                arguments("deny by method", allowTwo, denyDelete, groups("orders-admins"), "DELETE",
                        Reason.DENY_RULE),
                arguments("deny by method, other method", allowTwo, denyDelete, groups("orders-admins"), "POST",
                        Reason.ALLOWED),
                arguments("deny by claim", allowReaders, denyTenant,
                        then(groups("orders-readers"), claim("tenant", List.of("acme", "blocked"))), "GET",
                        Reason.DENY_RULE),
                arguments("second allow entry matches", allowTwo, List.of(), groups("orders-admins"), "POST",
                        Reason.ALLOWED),
                arguments("no allow entry matches", allowTwo, List.of(), groups("orders-readers"), "POST",
                        Reason.GROUP_DENIED),
                arguments("no allow entries at all", List.of(), List.of(), groups("orders-readers"), "GET",
                        Reason.GROUP_DENIED),
                arguments("no allow entries, deny not matched", List.of(), denySuspended, groups("orders-readers"),
                        "GET", Reason.GROUP_DENIED));
    }

    @Test
    void aPublicRouteNeedsNoDecision() {
        AccessPolicy policy = AccessPolicy.publicRoute();

        assertThat(policy.isPublic()).isTrue();
        assertThat(policy.authorize(NOBODY, "DELETE")).isEqualTo(Reason.PUBLIC_ROUTE);
        assertThat(policy.allowRules()).isEmpty();
        assertThat(policy.denyRules()).isEmpty();
    }

    @Test
    void compiledRulesKeepTheirPositionAndConditions() {
        AccessPolicy policy = AccessPolicy.compile(
                List.of(RuleBuilder.rule().methods("GET").build(),
                        RuleBuilder.rule().groupsAny("a", "b").claim("tenant", "acme").build()),
                List.of(RuleBuilder.rule().scopesAll("x").build()));

        assertThat(policy.isPublic()).isFalse();
        assertThat(policy.allowRules()).extracting(Rule::index).containsExactly(0, 1);
        assertThat(policy.denyRules()).extracting(Rule::index).containsExactly(0);
        Rule second = policy.allowRules().get(1);
        assertThat(second.methods()).isNull();
        assertThat(second.appliesTo("PATCH")).isTrue();
        assertThat(second.groupsAny()).containsExactlyInAnyOrder("a", "b");
        assertThat(second.groupsAll()).isNull();
        assertThat(second.claims()).containsExactly(Map.entry("tenant", new ClaimMatcher.OneOf(Set.of("acme"))));
        assertThat(policy.allowRules().get(0).appliesTo("PATCH")).isFalse();
    }

    static Stream<Arguments> claimValues() {
        return Stream.of(
                arguments("acme", List.of("acme")),
                arguments(42L, List.of("42")),
                arguments(true, List.of("true")),
                arguments(List.of("a", 1L, false), List.of("a", "1", "false")),
                arguments(java.util.Arrays.asList("a", null, "b"), List.of("a", "b")));
    }

    @ParameterizedTest
    @MethodSource("claimValues")
    void claimValuesAreComparedAsStrings(Object value, List<String> expected) {
        assertThat(claim("c", value).apply(NOBODY).claimValues("c")).isEqualTo(expected);
        assertThat(NOBODY.claimValues("c")).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void anEmptyConditionListCannotBeCompiledIntoARule() {
        // The validator refuses empty lists; a rule built around it must not quietly mean "anyone".
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Rule(null, java.util.Set.of(), null, null, null,
                java.util.Map.of(), 0)).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new Rule(null, null, java.util.Set.of(), null, null,
                java.util.Map.of(), 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
