package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** mode: audit on rules and routes: evaluated, logged and counted, not enforced. */
class DryRunIT {
    static Harness h;
    static AuditCapture audit;

    @BeforeAll
    static void start() throws Exception {
        audit = new AuditCapture();
        h = new Harness().start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                issuers:
                  - { id: mock, issuer: %ISSUER%, audiences: [api://portcullis] }
                routes:
                  - id: orders
                    match: { path: /orders/** }
                    upstream: %UPSTREAM%
                    deny:
                      - { groups_any: [contractors], mode: audit }
                    allow:
                      - { groups_any: [orders-readers] }
                      - { groups_any: [analysts], mode: audit }
                  - id: legacy
                    match: { path: /legacy/** }
                    upstream: %UPSTREAM%
                    mode: audit
                    allow: [ { groups_any: [legacy-users] } ]
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        audit.close();
    }

    private static JsonNode line(String subject, String path) throws InterruptedException {
        return audit.await(n -> path.equals(n.path("path").asText()) && subject.equals(n.path("subject").asText()));
    }

    @Test
    void anAuditModeDenyRuleIsLoggedButNotEnforced() throws Exception {
        String token = h.token("carl", List.of("orders-readers", "contractors"));
        assertThat(h.get("/orders/1", token).statusCode()).isEqualTo(200);
        JsonNode l = line("carl", "/orders/1");
        assertThat(l.path("decision").asText()).isEqualTo("allow");
        assertThat(l.path("would_decision").asText()).isEqualTo("deny");
        assertThat(l.path("would_reason").asText()).isEqualTo("deny_rule");
        String counted = "portcullis_dry_run_decisions_total{route=\"orders\",would_reason=\"deny_rule\"} 1.0";
        assertThat(h.metricsOnce(counted)).contains(counted);
    }

    @Test
    void anAuditModeAllowRuleIsLoggedButNotEnforced() throws Exception {
        h.upstream.clear();
        String token = h.token("anna", List.of("analysts"));
        assertThat(h.get("/orders/2", token).statusCode()).isEqualTo(403);
        JsonNode l = line("anna", "/orders/2");
        assertThat(l.path("reason").asText()).isEqualTo("group_denied");
        assertThat(l.path("would_decision").asText()).isEqualTo("allow");
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void whenEnforcedAndWouldBeAgreeNothingExtraIsLogged() throws Exception {
        String token = h.token("rita", List.of("orders-readers"));
        assertThat(h.get("/orders/3", token).statusCode()).isEqualTo(200);
        assertThat(line("rita", "/orders/3").has("would_reason")).isFalse();
    }

    @Test
    void anAuditModeRouteForwardsWhatItWouldRefuse() throws Exception {
        h.upstream.clear();
        assertThat(h.get("/legacy/a", null).statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.target()).isEqualTo("/legacy/a");
        assertThat(r.header("X-Auth-Subject")).isNull();
        JsonNode l = audit.await(n -> "/legacy/a".equals(n.path("path").asText()));
        assertThat(l.path("reason").asText()).isEqualTo("audit_mode");
        assertThat(l.path("would_reason").asText()).isEqualTo("token_missing");

        String outsider = h.token("otto", List.of("Everyone"));
        assertThat(h.get("/legacy/b", outsider).statusCode()).isEqualTo(200);
        assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("otto");
        assertThat(line("otto", "/legacy/b").path("would_reason").asText()).isEqualTo("group_denied");
    }
}
