package dev.portcullis.h2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.it.AuditCapture;
import dev.portcullis.it.Harness;
import dev.portcullis.it.RawHttp;
import dev.portcullis.it.RecordingUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client listener with {@code server.http2: true} on a plain port, driven by real clients: the
 * JDK HttpClient (Upgrade: h2c), RawH2 (prior knowledge) and curl (both). Each stream is a request
 * through the same gate as HTTP/1.1: identity headers, refusals, bodies, audit; HTTP/1.1 stays served.
 * And with http2 off (the default) neither the preface nor Upgrade: h2c gets HTTP/2.
 */
class Http2ListenerIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness().start(H2Gate.config().replace("""
                  - id: docs
                """, """
                  - id: tokened
                    match: { path: /tokened/** }
                    upstream: %UPSTREAM%
                    forward_token: true
                    allow: [ { groups_any: [orders-readers] } ]
                  - id: docs
                """));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @BeforeEach
    void forget() {
        h.upstream.clear();
    }

    private static String reader() {
        return h.token("alice@example.com", List.of("orders-readers"));
    }

    private static HttpClient h2Client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(WAIT).build();
    }

    private static HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + path)).timeout(WAIT);
    }

    /** What every allowed request must look like upstream, whatever the client's protocol. */
    private static void assertGateView(RecordingUpstream.Received r, String subject) {
        assertThat(r).as("the upstream received the request").isNotNull();
        assertThat(r.header("X-Auth-Subject")).isEqualTo(subject);
        assertThat(r.header("X-Auth-Groups")).contains("orders-readers");
        assertThat(r.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(r.header("Authorization")).as("the client's token is not forwarded").isNull();
        assertThat(r.names()).noneMatch(n -> n.toLowerCase().startsWith("x-http2-"))
                .noneMatch(n -> n.equalsIgnoreCase("upgrade") || n.equalsIgnoreCase("http2-settings"));
    }

    @Test
    void jdkClientUpgradesByH2cAndIsServedOverHttp2() throws Exception {
        HttpResponse<String> res = h2Client().send(request("/orders/1").header("Authorization", "Bearer " + reader())
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
        RecordingUpstream.Received r = h.upstream.take();
        assertGateView(r, "alice@example.com");
        assertThat(r.requestLine()).startsWith("GET /orders/1 ");
    }

    @Test
    void priorKnowledgeStreamIsServedWithTheIdentityHeaders() throws Exception {
        try (RawH2 c = new RawH2(h.port())) {
            c.headers(1, RawH2.request("GET", "/orders/7?x=1", h.port(), "authorization", "Bearer " + reader()), true);
            RawH2.Answer a = c.answer(1, WAIT);
            assertThat(a.status()).as(a.body()).isEqualTo("200");
            assertThat(a.resetCode()).isZero();
        }
        RecordingUpstream.Received r = h.upstream.take();
        assertGateView(r, "alice@example.com");
        assertThat(r.requestLine()).startsWith("GET /orders/7?x=1 HTTP/1.1");
    }

    @Test
    void forwardTokenForwardsTheAuthorizationHeaderOverHttp2Too() throws Exception {
        String token = reader();
        try (RawH2 c = new RawH2(h.port())) {
            c.headers(1, RawH2.request("GET", "/tokened/a", h.port(), "authorization", "Bearer " + token), true);
            assertThat(c.answer(1, WAIT).status()).isEqualTo("200");
        }
        assertThat(h.upstream.take().header("Authorization")).isEqualTo("Bearer " + token);
    }

    @Test
    void refusedStreamsGet401And403WithJsonAndNothingReachesTheUpstream() throws Exception {
        try (RawH2 c = new RawH2(h.port())) {
            c.headers(1, RawH2.request("GET", "/orders/1", h.port()), true);
            RawH2.Answer none = c.answer(1, WAIT);
            assertThat(none.status()).isEqualTo("401");
            assertThat(none.headers().get("www-authenticate")).isNotNull();
            assertThat(none.headers().get("www-authenticate").toString()).startsWith("Bearer");
            assertThat(none.headers().get("content-type").toString()).startsWith("application/json");
            assertThat(none.body()).contains("\"error\"");
            String stranger = h.token("bob@example.com", List.of("marketing"));
            c.headers(3, RawH2.request("GET", "/orders/1", h.port(), "authorization", "Bearer " + stranger), true);
            RawH2.Answer denied = c.answer(3, WAIT);
            assertThat(denied.status()).isEqualTo("403");
            assertThat(denied.headers().get("content-type").toString()).startsWith("application/json");
            assertThat(denied.body()).contains("\"error\"");
        }
        assertThat(h.upstream.poll()).as("nothing upstream").isNull();
    }

    @Test
    void aMebibyteRequestBodyReachesTheUpstreamIntactOverHttp2() throws Exception {
        String admin = h.token("ada@example.com", List.of("orders-admins"));
        HttpClient client = h2Client();
        // the first request upgrades the connection (a body-less one); the POST then streams on it
        assertThat(client.send(request("/public/warm").build(), HttpResponse.BodyHandlers.ofString()).version())
                .isEqualTo(HttpClient.Version.HTTP_2);
        byte[] body = new byte[1 << 20];
        new Random(16).nextBytes(body);
        HttpResponse<String> res = client.send(request("/orders/upload").header("Authorization", "Bearer " + admin)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
        h.upstream.take(); // the warm-up
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.requestLine()).startsWith("POST /orders/upload ");
        assertThat(r.body().length).isEqualTo(body.length);
        assertThat(Arrays.equals(r.body(), body)).as("the body arrived byte for byte").isTrue();
    }

    @Test
    void concurrentStreamsOnOneConnectionAreAllAnswered() throws Exception {
        int n = 8;
        try (RawH2 c = new RawH2(h.port())) {
            String token = reader();
            for (int i = 0; i < n; i++) {
                c.headers(1 + 2 * i, RawH2.request("GET", "/orders/s" + i, h.port(), "authorization", "Bearer " + token),
                        true);
            }
            for (int i = 0; i < n; i++) {
                RawH2.Answer a = c.answer(1 + 2 * i, WAIT);
                assertThat(a.status()).as("stream %d", 1 + 2 * i).isEqualTo("200");
                assertThat(a.ended()).isTrue();
            }
            assertThat(c.closed()).isFalse();
        }
        TreeSet<String> targets = new TreeSet<>();
        for (int i = 0; i < n; i++) {
            RecordingUpstream.Received r = h.upstream.take();
            assertThat(r).isNotNull();
            targets.add(r.target());
        }
        assertThat(targets).hasSize(n).allMatch(t -> t.startsWith("/orders/s"));
    }

    @Test
    void http11IsStillServedOnTheSamePort() throws Exception {
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange("GET /orders/1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + reader() + "\r\n\r\n");
            assertThat(res.status()).isEqualTo(200);
        }
        assertGateView(h.upstream.take(), "alice@example.com");
    }

    @Test
    void curlWithPriorKnowledgeAndWithUpgradeIsServedOverHttp2() throws Exception {
        for (String mode : List.of("--http2-prior-knowledge", "--http2")) {
            String out = H2Gate.runCurl("-sS", mode, "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
                    "-H", "Authorization: Bearer " + reader(), "http://127.0.0.1:" + h.port() + "/orders/curl");
            assertThat(out).as(mode).isEqualTo("200 2");
            assertGateView(h.upstream.take(), "alice@example.com");
        }
    }

    @Test
    void auditLinesOfHttp2RequestsAreThoseOfHttp11Requests() throws Exception {
        try (AuditCapture audit = new AuditCapture()) {
            String token = h.token("audited@example.com", List.of("orders-readers"));
            try (RawHttp c = h.raw()) {
                assertThat(c.exchange("GET /orders/h1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                        + "\r\n\r\n").status()).isEqualTo(200);
            }
            try (RawH2 c = new RawH2(h.port())) {
                c.headers(1, RawH2.request("GET", "/orders/h2", h.port(), "authorization", "Bearer " + token), true);
                assertThat(c.answer(1, WAIT).status()).isEqualTo("200");
            }
            JsonNode one = audit.await(n -> n.path("path").asText().equals("/orders/h1"));
            JsonNode two = audit.await(n -> n.path("path").asText().equals("/orders/h2"));
            assertThat(fieldNames(two)).isEqualTo(fieldNames(one));
            for (String f : List.of("decision", "status", "route", "subject", "method", "reason")) {
                assertThat(two.path(f)).as(f).isEqualTo(one.path(f));
            }
        }
    }

    private static TreeSet<String> fieldNames(JsonNode n) {
        TreeSet<String> names = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().isNull()) {
                names.add(e.getKey());
            }
        }
        return names;
    }

    @Test
    void withHttp2OffThePrefaceIsNotHttp2AndUpgradeIsIgnored() throws Exception {
        try (Harness off = new Harness().start()) {
            try (RawHttp c = new RawHttp(off.port(), 5000)) {
                c.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");
                RawHttp.Response res = c.read();
                assertThat(res.status()).as("the preface is a malformed HTTP/1.1 request").isEqualTo(400);
                assertThat(res.bodyText()).contains("bad_request");
                assertThat(c.closedByPeer()).isTrue();
            }
            try (RawHttp c = new RawHttp(off.port(), 5000)) {
                RawHttp.Response res = c.exchange("GET /public/up HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade, "
                        + "HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQCAAAAAAIAAAAA\r\n\r\n");
                assertThat(res.status()).as("served as HTTP/1.1, not 101").isEqualTo(200);
                assertThat(res.header("Upgrade")).isNull();
            }
            RecordingUpstream.Received r = off.upstream.take();
            assertThat(r.requestLine()).isEqualTo("GET /public/up HTTP/1.1");
            assertThat(r.header("Upgrade")).isNull();
            assertThat(r.header("HTTP2-Settings")).isNull();
            assertThat(off.upstream.poll()).as("the preface reached nothing").isNull();
        }
    }
}
