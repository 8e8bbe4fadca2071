package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The five steps end to end: token, verify, groups, route and rules, forward or refuse. */
class CoreFlowIT {
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness().start();
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @Test
    void allowedRequestReachesUpstreamWithIdentity() throws Exception {
        String token = h.token("alice@example.com", List.of("Everyone", "orders-readers"));
        HttpResponse<String> res = h.get("/orders/42?x=1", token);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).contains("upstream");
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.target()).isEqualTo("/orders/42?x=1");
        assertThat(r.header("X-Auth-Subject")).isEqualTo("alice@example.com");
        assertThat(r.header("X-Auth-Groups")).isEqualTo("Everyone,orders-readers");
        assertThat(r.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
        assertThat(r.header("Authorization")).isNull();
    }

    @Test
    void upstreamGetsAnAssertionItCanVerifyWithThePublishedKeys() throws Exception {
        String token = h.token("bob@example.com", java.util.Map.of("groups", List.of("orders-admins"),
                "jti", "token-123"));
        assertThat(h.get("/orders/7", token).statusCode()).isEqualTo(200);
        String assertion = h.upstream.take().header("X-Portcullis-Assertion");
        assertThat(assertion).isNotNull();
        com.nimbusds.jwt.SignedJWT jwt = com.nimbusds.jwt.SignedJWT.parse(assertion);
        com.nimbusds.jose.jwk.JWKSet keys = com.nimbusds.jose.jwk.JWKSet.parse(h.admin("/.well-known/jwks.json").body());
        com.nimbusds.jose.jwk.ECKey key = (com.nimbusds.jose.jwk.ECKey) keys.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwt.verify(new com.nimbusds.jose.crypto.ECDSAVerifier(key))).isTrue();
        assertThat(jwt.getJWTClaimsSet().getAudience()).containsExactly("orders");
        assertThat(jwt.getJWTClaimsSet().getSubject()).isEqualTo("bob@example.com");
        assertThat(jwt.getJWTClaimsSet().getStringListClaim("groups")).containsExactly("orders-admins");
        assertThat(jwt.getJWTClaimsSet().getJWTID()).isEqualTo("token-123");
        assertThat(jwt.getJWTClaimsSet().getExpirationTime()).isAfter(new java.util.Date());
    }

    @Test
    void clientCannotSendItsOwnAssertion() throws Exception {
        var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                "http://127.0.0.1:" + h.proxy().port() + "/public/x"))
                .header("X-Portcullis-Assertion", "forged").header("x_portcullis_assertion", "forged").build();
        assertThat(h.http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.all("X-Portcullis-Assertion")).isEmpty();
        assertThat(r.names()).noneMatch(n -> n.equalsIgnoreCase("x_portcullis_assertion"));
    }

    /** From a trusted trace source ({@code tracing.trusted_sources}); others start a new trace (TracingIT). */
    @Test
    void aTrustedSourcesTraceIsContinuedUpstreamAndNamedInTheAuditLine() throws Exception {
        try (Harness trusting = new Harness(); AuditCapture audit = new AuditCapture()) {
            trusting.start(Harness.defaultConfig() + "tracing: { trusted_sources: [127.0.0.1/32] }\n");
            String token = trusting.token("tracy@example.com", List.of("orders-readers"));
            var req = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                    "http://127.0.0.1:" + trusting.proxy().port() + "/orders/9"))
                    .header("Authorization", "Bearer " + token)
                    .header("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                    .header("tracestate", "vendor=1").build();
            assertThat(trusting.http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode())
                    .isEqualTo(200);
            RecordingUpstream.Received r = trusting.upstream.take();
            assertThat(r.header("traceparent")).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01")
                    .isNotEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
            assertThat(r.header("tracestate")).isEqualTo("vendor=1");
            assertThat(audit.await(n -> "tracy@example.com".equals(n.path("subject").asText()))
                    .path("trace_id").asText()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        }
    }

    @Test
    void aRequestWithoutATraceGetsOne() throws Exception {
        assertThat(h.get("/public/t", null).statusCode()).isEqualTo(200);
        assertThat(h.upstream.take().header("traceparent")).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
    }

    @Test
    void missingTokenIs401WithChallenge() throws Exception {
        HttpResponse<String> res = h.get("/orders/42", null);
        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"portcullis\"");
        assertThat(res.body()).contains("\"reason\":\"token_missing\"");
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void wrongGroupIs403() throws Exception {
        String token = h.token("carol@example.com", List.of("Everyone", "engineering"));
        HttpResponse<String> res = h.get("/orders/42", token);
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("group_denied");
        assertThat(h.upstream.poll()).isNull();
    }
}
