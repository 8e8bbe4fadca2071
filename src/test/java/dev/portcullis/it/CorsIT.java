package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A route's {@code cors} over real sockets: the proxy answers a preflight itself, without a token
 * and without the upstream hearing of it; it refuses one from an unlisted origin without any
 * allow header; the responses for a listed origin carry its {@code Access-Control-*} headers
 * (the upstream's own are replaced), refusals included, while an unlisted origin is never echoed;
 * {@code cors: passthrough} hands the preflight to the upstream. Every answer has its audit line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CorsIT {
    private static final String APP = "https://app.example.com";
    private static final String EVIL = "https://evil.example";

    private Harness h;
    private AuditCapture audit;
    private String reader;

    @BeforeAll
    void start() throws Exception {
        audit = new AuditCapture();
        h = new Harness().start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
                issuers:
                  - { id: mock, issuer: %ISSUER%, audiences: [api://portcullis] }
                routes:
                  - id: spa
                    match: { path: /api/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [readers] } ]
                    cors:
                      allowed_origins: [https://app.example.com, "http://localhost:5173"]
                      allowed_methods: [GET, PUT, DELETE]
                      allowed_headers: [Authorization, Content-Type]
                      exposed_headers: [ETag]
                      allow_credentials: true
                      max_age: 10m
                  - id: open
                    match: { path: /open/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [readers] } ]
                    cors: { allowed_origins: "*" }
                  - id: hooks
                    match: { path: /hooks/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [readers] } ]
                    cors: passthrough
                  - id: plain
                    match: { path: /plain/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [readers] } ]
                """);
        reader = h.token("ann", List.of("readers"));
    }

    @AfterAll
    void stop() throws Exception {
        h.close();
        audit.close();
    }

    @BeforeEach
    void forget() {
        h.upstream.clear();
        h.upstream.behave(RecordingUpstream.Behaviour.ok());
    }

    private static String preflight(String path, String origin, String method, String headers) {
        return "OPTIONS " + path + " HTTP/1.1\r\nHost: localhost\r\nOrigin: " + origin
                + "\r\nAccess-Control-Request-Method: " + method
                + (headers == null ? "" : "\r\nAccess-Control-Request-Headers: " + headers) + "\r\n\r\n";
    }

    private static String get(String path, String origin, String token) {
        return "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nOrigin: " + origin
                + (token == null ? "" : "\r\nAuthorization: Bearer " + token) + "\r\n\r\n";
    }

    private JsonNode auditLine(RawHttp.Response res) throws InterruptedException {
        String id = res.header("X-Request-Id");
        return audit.await(l -> id.equals(l.path("request_id").asText()));
    }

    @Test
    void aPreflightIsAnsweredByTheProxyWithoutATokenAndTheUpstreamHearsNothing() throws Exception {
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(preflight("/api/orders/7", APP, "PUT", "authorization, content-type"));

            assertThat(res.status()).isEqualTo(204);
            assertThat(res.header("Access-Control-Allow-Origin")).isEqualTo(APP);
            assertThat(res.header("Access-Control-Allow-Methods")).isEqualTo("GET, PUT, DELETE");
            assertThat(res.header("Access-Control-Allow-Headers")).isEqualTo("Authorization, Content-Type");
            assertThat(res.header("Access-Control-Allow-Credentials")).isEqualTo("true");
            assertThat(res.header("Access-Control-Max-Age")).isEqualTo("600");
            assertThat(String.join(",", res.all("Vary"))).contains("Origin", "Access-Control-Request-Method");
            assertThat(res.header("Content-Length")).isNull();
            assertThat(res.body()).isEmpty();
            JsonNode line = auditLine(res);
            assertThat(line.path("reason").asText()).isEqualTo("cors_preflight");
            assertThat(line.path("status").asInt()).isEqualTo(204);
            assertThat(line.path("route").asText()).isEqualTo("spa");

            // the connection stays open for the request the preflight was for
            RawHttp.Response next = c.exchange(get("/api/orders/7", APP, reader));
            assertThat(next.status()).isEqualTo(200);
        }
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.requestLine()).as("only the actual request reached the upstream")
                .isEqualTo("GET /api/orders/7 HTTP/1.1");
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void aPreflightFromAnUnlistedOriginOrForAnotherMethodOrHeaderIsRefusedWithoutAllowHeaders() throws Exception {
        for (String request : List.of(preflight("/api/x", EVIL, "PUT", null),
                preflight("/api/x", APP + ".evil.example", "PUT", null),
                preflight("/api/x", "null", "PUT", null),
                preflight("/api/x", APP, "PATCH", null),
                preflight("/api/x", APP, "PUT", "authorization, x-admin"))) {
            try (RawHttp c = h.raw()) {
                RawHttp.Response res = c.exchange(request);

                assertThat(res.status()).as(request).isEqualTo(403);
                assertThat(res.bodyText()).contains("\"reason\":\"cors_rejected\"");
                assertThat(res.headers()).as(request).noneMatch(x -> x[0].toLowerCase().startsWith("access-control-"));
                assertThat(auditLine(res).path("reason").asText()).isEqualTo("cors_rejected");
            }
        }
        assertThat(h.upstream.poll()).as("the upstream must receive nothing").isNull();
    }

    @Test
    void anAllowedResponseCarriesTheOriginVaryAndCredentialsInsteadOfTheUpstreamsOwn() throws Exception {
        h.upstream.behave(RecordingUpstream.Behaviour.ok().withHeaders("Access-Control-Allow-Origin: *",
                "Access-Control-Allow-Methods: TRACE", "ETag: \"v1\""));
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(get("/api/orders/7", "http://localhost:5173", reader));

            assertThat(res.status()).isEqualTo(200);
            assertThat(res.all("Access-Control-Allow-Origin")).containsExactly("http://localhost:5173");
            assertThat(res.header("Access-Control-Allow-Credentials")).isEqualTo("true");
            assertThat(res.header("Access-Control-Expose-Headers")).isEqualTo("ETag");
            assertThat(res.header("Access-Control-Allow-Methods")).as("the upstream's own is removed").isNull();
            assertThat(res.all("Vary")).contains("Origin");
            assertThat(res.header("ETag")).isEqualTo("\"v1\"");
        }
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.header("X-Auth-Subject")).isEqualTo("ann");
        assertThat(r.header("Origin")).isEqualTo("http://localhost:5173");
    }

    @Test
    void anUnlistedOriginIsNeverEchoedEvenWhenTheUpstreamWouldAllowIt() throws Exception {
        h.upstream.behave(RecordingUpstream.Behaviour.ok().withHeaders("Access-Control-Allow-Origin: " + EVIL,
                "Access-Control-Allow-Credentials: true"));
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(get("/api/orders/7", EVIL, reader));

            assertThat(res.status()).isEqualTo(200);
            assertThat(res.headers()).noneMatch(x -> x[0].toLowerCase().startsWith("access-control-"));
            assertThat(res.all("Vary")).contains("Origin");
        }
        assertThat(h.upstream.take()).isNotNull();
    }

    @Test
    void aRefusalCarriesTheOriginSoThePageCanReadWhyButOnlyForAListedOrigin() throws Exception {
        try (RawHttp c = h.raw()) {
            RawHttp.Response listed = c.exchange(get("/api/orders/7", APP, null));
            assertThat(listed.status()).isEqualTo(401);
            assertThat(listed.header("Access-Control-Allow-Origin")).isEqualTo(APP);
            assertThat(listed.header("Access-Control-Allow-Credentials")).isEqualTo("true");
            assertThat(listed.header("WWW-Authenticate")).startsWith("Bearer");

            RawHttp.Response unlisted = c.exchange(get("/api/orders/7", EVIL, null));
            assertThat(unlisted.status()).isEqualTo(401);
            assertThat(unlisted.header("Access-Control-Allow-Origin")).isNull();
        }
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void theWildcardOriginIsSentAsSuchWithoutCredentials() throws Exception {
        try (RawHttp c = h.raw()) {
            RawHttp.Response pre = c.exchange(preflight("/open/x", EVIL, "GET", null));
            assertThat(pre.status()).isEqualTo(204);
            assertThat(pre.header("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(pre.header("Access-Control-Allow-Credentials")).isNull();

            RawHttp.Response res = c.exchange(get("/open/x", EVIL, reader));
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.header("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(res.header("Access-Control-Allow-Credentials")).isNull();
        }
        assertThat(h.upstream.take().requestLine()).isEqualTo("GET /open/x HTTP/1.1");
    }

    @Test
    void aPassthroughPreflightReachesTheUpstreamWithoutATokenAndItsAnswerIsRelayed() throws Exception {
        h.upstream.behave(new RecordingUpstream.Behaviour(204, "", 0, false)
                .withHeaders("Access-Control-Allow-Origin: " + APP, "Access-Control-Allow-Methods: PUT"));
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(preflight("/hooks/x", APP, "PUT", "authorization")
                    .replace("\r\n\r\n", "\r\nX-Auth-Subject: admin\r\n\r\n"));

            assertThat(res.status()).isEqualTo(204);
            assertThat(res.header("Access-Control-Allow-Origin")).isEqualTo(APP);
            assertThat(res.header("Access-Control-Allow-Methods")).isEqualTo("PUT");
            JsonNode line = auditLine(res);
            assertThat(line.path("reason").asText()).isEqualTo("cors_passthrough");
            assertThat(line.path("decision").asText()).isEqualTo("allow");
        }
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r).isNotNull();
        assertThat(r.requestLine()).isEqualTo("OPTIONS /hooks/x HTTP/1.1");
        assertThat(r.header("Access-Control-Request-Method")).isEqualTo("PUT");
        assertThat(r.header("X-Auth-Subject")).as("no identity rides along").isNull();
        assertThat(r.header("Authorization")).isNull();
    }

    @Test
    void aRouteWithoutCorsGatesAPreflightLikeAnyRequest() throws Exception {
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(preflight("/plain/x", APP, "PUT", null));

            assertThat(res.status()).isEqualTo(401);
            assertThat(res.header("Access-Control-Allow-Origin")).isNull();
        }
        assertThat(h.upstream.poll()).isNull();
    }
}
