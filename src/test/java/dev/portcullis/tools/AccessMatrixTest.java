package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The matrix: rows per route and method, and each allowed alternative really is allowed. */
class AccessMatrixTest {
    private static final PolicyModel MODEL = Fixtures.model();
    private static final AccessMatrix MATRIX = AccessMatrix.of(MODEL);

    private static AccessMatrix.Row row(String route, String method) {
        return MATRIX.rows().stream().filter(r -> r.route().equals(route) && r.method().equals(method)).findFirst()
                .orElseThrow();
    }

    @Test
    void everyRouteHasTheUsualMethodsAndThoseItsRulesName() {
        assertThat(MATRIX.rows().stream().filter(r -> r.route().equals("orders")).map(AccessMatrix.Row::method))
                .containsExactly("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");
        assertThat(MATRIX.rows().stream().filter(r -> r.route().equals("docs")).map(AccessMatrix.Row::method))
                .containsExactlyElementsOf(AccessMatrix.METHODS);
    }

    @Test
    void cellsListTheAlternatives() {
        assertThat(row("orders", "GET").allowed()).containsExactly("group:admins", "group:readers",
                "scope:orders.list + scope:orders.read");
        assertThat(row("orders", "GET").denied()).containsExactly("group:suspended");
        assertThat(row("orders", "DELETE").denied()).containsExactly("group:suspended", "claim:tier=trial");
        assertThat(row("orders", "OPTIONS").allowed()).containsExactly("claim:department=eng", "claim:department=ops");
        assertThat(row("orders-item", "PUT").allowed()).containsExactly("group:admins + group:auditors");
        assertThat(row("okta-only", "GET").allowed()).containsExactly(Grants.ANY_TOKEN);
        assertThat(row("okta-only", "GET").issuers()).containsExactly("okta");
        assertThat(row("okta-only", "POST").access()).isEqualTo("nobody");
        assertThat(row("docs", "DELETE").access()).isEqualTo("public");
        assertThat(row("orders", "GET").access()).isEqualTo("restricted");
    }

    /** An identity holding exactly one alternative is let through, unless a deny also applies. */
    @Test
    void eachAllowedAlternativeIsAllowedByTheCompiledPolicy() {
        for (AccessMatrix.Row r : MATRIX.rows()) {
            if (r.isPublic()) {
                continue;
            }
            PolicyRoute route = MODEL.route(r.route()).orElseThrow();
            for (String grant : r.allowed()) {
                Identity who = holding(grant);
                assertThat(route.policy().authorize(who, r.method())).as("%s %s %s", r.route(), r.method(), grant)
                        .isEqualTo(Reason.ALLOWED);
            }
            for (String grant : r.denied()) {
                assertThat(route.policy().authorize(holding(grant), r.method())).isNotEqualTo(Reason.ALLOWED);
            }
            assertThat(route.policy().authorize(holding(Grants.ANY_TOKEN), r.method()))
                    .isEqualTo(r.allowed().contains(Grants.ANY_TOKEN) ? Reason.ALLOWED : Reason.GROUP_DENIED);
        }
    }

    @Test
    void largeProductsAreShownAsWritten() {
        PolicyModel model = Fixtures.model(Fixtures.CONFIG.replace("allow: [ { groups_all: [admins, auditors] } ]",
                "allow: [ { groups_any: [a, b, c, d, e, f, g, h, i], scopes_any: [s, t, u, v, w, x, y, z] } ]"));
        AccessMatrix m = AccessMatrix.of(model);

        assertThat(m.rows().stream().filter(r -> r.route().equals("orders-item")).findFirst().orElseThrow().allowed())
                .containsExactly("(groups_any [a, b, c, d, e, f, g, h, i], scopes_any [s, t, u, v, w, x, y, z])");
    }

    @Test
    void claimMatchersArePrintedAsTheyMatchAndEachAlternativeIsAllowed() {
        PolicyModel model = Fixtures.model(Fixtures.CONFIG.replace("claims: { department: [eng, ops] }",
                "claims: { email: { suffix: ['@example.com', '@example.org'] }, email_verified: true }"));
        AccessMatrix m = AccessMatrix.of(model);
        AccessMatrix.Row options = m.rows().stream().filter(r -> r.route().equals("orders")
                && r.method().equals("OPTIONS")).findFirst().orElseThrow();

        assertThat(options.allowed()).containsExactly(
                "claim:email ends with @example.com + claim:email_verified is true",
                "claim:email ends with @example.org + claim:email_verified is true");
        PolicyRoute route = model.route("orders").orElseThrow();
        for (String grant : options.allowed()) {
            assertThat(route.policy().authorize(holding(grant), "OPTIONS")).as(grant).isEqualTo(Reason.ALLOWED);
        }
    }

    private static Identity holding(String grant) {
        Set<String> groups = new HashSet<>();
        Set<String> scopes = new HashSet<>();
        Map<String, Object> claims = new HashMap<>();
        if (!grant.equals(Grants.ANY_TOKEN)) {
            for (String part : grant.split(" \\+ ")) {
                String[] kv = part.split(":", 2);
                switch (kv[0]) {
                    case "group" -> groups.add(kv[1]);
                    case "scope" -> scopes.add(kv[1]);
                    default -> {
                        if (kv[1].contains(" ends with ")) { // any string with that ending
                            String[] c = kv[1].split(" ends with ", 2);
                            claims.put(c[0], "someone" + c[1]);
                            continue;
                        }
                        if (kv[1].contains(" is ")) { // a JSON boolean
                            String[] c = kv[1].split(" is ", 2);
                            claims.put(c[0], Boolean.valueOf(c[1]));
                            continue;
                        }
                        String[] c = kv[1].split("=", 2);
                        @SuppressWarnings("unchecked")
                        List<Object> values = (List<Object>) claims.computeIfAbsent(c[0], k -> new ArrayList<>());
                        values.add(c[1]);
                    }
                }
            }
        }
        return new Identity("okta", "s", groups, scopes, null, null, null, 0, claims);
    }
}
