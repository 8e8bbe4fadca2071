package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The forwarding half: failing, slow and silent upstreams, connection reuse, bodies that must
 * arrive byte for byte, and the body size limit.
 */
class UpstreamIT {
    private static final int MAX_BODY = 6 * 1024 * 1024;

    static Harness h;
    static RecordingUpstream slow;
    static RecordingUpstream silent;
    static RecordingUpstream pooled;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness();
        slow = new RecordingUpstream();
        silent = new RecordingUpstream();
        pooled = new RecordingUpstream();
        h.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: { key_wait_timeout: 2s, max_body_size: %MAX% }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
                issuers:
                  - id: mock
                    issuer: %ISSUER%
                    audiences: [api://portcullis]
                routes:
                  - id: orders
                    match: { path: /orders/** }
                    upstream: %UPSTREAM%
                    allow:
                      - { methods: [GET, HEAD], groups_any: [orders-readers, orders-admins] }
                      - { methods: [POST, PUT], groups_any: [orders-admins] }
                  - id: down
                    match: { path: /down/** }
                    upstream: http://127.0.0.1:%CLOSED%
                    public: true
                  - id: slow
                    match: { path: /slow/** }
                    upstream: %SLOW%
                    public: true
                    response_timeout: 500ms
                  - id: silent
                    match: { path: /silent/** }
                    upstream: %SILENT%
                    public: true
                  - id: pooled
                    match: { path: /pooled/** }
                    upstream: %POOLED%
                    public: true
                """.replace("%MAX%", String.valueOf(MAX_BODY)).replace("%CLOSED%", String.valueOf(closedPort()))
                .replace("%SLOW%", slow.url()).replace("%SILENT%", silent.url()).replace("%POOLED%", pooled.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        slow.close();
        silent.close();
        pooled.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        for (RecordingUpstream u : List.of(h.upstream, slow, silent, pooled)) {
            u.clear();
            u.behave(RecordingUpstream.Behaviour.ok());
        }
    }

    @AfterEach
    void calmUpstreams() {
        forgetEarlierRequests();
    }

    /** A port nobody listens on (bound, read, released). */
    /**
     * A loopback port where nothing listens, for as long as the test JVM runs: a socket is bound to it
     * and never listens, so a connection is refused, and no server started later (nor an outgoing
     * connection's own end) can be given the port. A port merely bound and closed again could be
     * handed to the next server a test starts, making the "dead" upstream answer.
     */
    static int closedPort() throws Exception {
        Socket held = new Socket();
        held.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        HELD.add(held);
        return held.getLocalPort();
    }

    private static final List<Socket> HELD = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static String admin() {
        return h.token("root@example.com", List.of("orders-admins"));
    }

    private static String get(String target, String... headerLines) {
        StringBuilder sb = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + h.port() + "\r\n");
        for (String line : headerLines) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    private static byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    // ---- failing upstreams ------------------------------------------------------------------------

    @Test
    void upstreamNotListeningIs502() throws Exception {
        HttpResponse<String> res = h.get("/down/x", null);

        assertThat(res.statusCode()).isEqualTo(502);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(res.body()).contains("\"reason\":\"upstream_unavailable\"");
        assertThat(PromText.sum(h.metrics(), "portcullis_upstream_errors_total", "route=\"down\"",
                "kind=\"connect\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void bodilessRequestKeepsItsClientConnectionAfterAConnectFailure() throws Exception {
        // A GET has no body left to discard, so nothing forces the client connection closed;
        // the 504 and the 502-after-reset paths already keep it.
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(get("/down/x"));
            assertThat(res.status()).isEqualTo(502);
            assertThat(res.header("Connection")).as("keep-alive after a 502 to a GET").isNull();
            assertThat(c.exchange(get("/pooled/after")).status()).isEqualTo(200);
        }
        assertThat(pooled.take().target()).isEqualTo("/pooled/after");
    }

    @Test
    void slowUpstreamIs504WithinTheRouteTimeoutAndTheNextRequestIsServed() throws Exception {
        slow.behave(new RecordingUpstream.Behaviour(200, "{\"stale\":true}", 3000, false));
        try (RawHttp c = h.raw()) {
            long t0 = System.nanoTime();
            RawHttp.Response res = c.exchange(get("/slow/1"));
            long millis = (System.nanoTime() - t0) / 1_000_000;

            assertThat(res.status()).isEqualTo(504);
            assertThat(res.bodyText()).contains("\"reason\":\"upstream_timeout\"");
            assertThat(millis).as("response_timeout is 500ms on this route").isBetween(400L, 2000L);

            slow.behave(new RecordingUpstream.Behaviour(200, "{\"fresh\":true}", 0, false));
            RawHttp.Response next = c.exchange(get("/slow/2"));
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).as("never the answer meant for the timed-out request")
                    .isEqualTo("{\"fresh\":true}");
            assertThat(c.exchange(get("/pooled/x")).status()).isEqualTo(200);
        }
    }

    @Test
    void upstreamClosingWithoutAnAnswerIs502() throws Exception {
        silent.behave(new RecordingUpstream.Behaviour(200, "", 0, true));
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(get("/silent/1"));
            assertThat(res.status()).isEqualTo(502);
            assertThat(res.bodyText()).contains("\"reason\":\"upstream_error\"");

            silent.behave(RecordingUpstream.Behaviour.ok());
            assertThat(c.exchange(get("/silent/2")).status()).isEqualTo(200);
        }
        assertThat(silent.take().target()).isEqualTo("/silent/1");
    }

    // ---- connection reuse ------------------------------------------------------------------------

    @Test
    void keepAliveRequestsReuseAFewUpstreamConnections() throws Exception {
        int before = pooled.connectionCount();
        try (RawHttp c = h.raw()) {
            for (int i = 0; i < 20; i++) {
                RawHttp.Response res = c.exchange(get("/pooled/" + i));
                assertThat(res.status()).isEqualTo(200);
                assertThat(res.bodyText()).isEqualTo("{\"upstream\":\"ok\"}");
            }
        }
        for (int i = 0; i < 20; i++) {
            assertThat(pooled.take().target()).isEqualTo("/pooled/" + i);
        }
        assertThat(pooled.connectionCount() - before).as("upstream connections for 20 requests").isLessThanOrEqualTo(2);
    }

    @Test
    void headIsAnsweredWithoutABodyAndTheConnectionStaysUsable() throws Exception {
        String token = admin();
        try (RawHttp c = h.raw()) {
            RawHttp.Response head = c.exchange("HEAD /orders/1 HTTP/1.1\r\nHost: 127.0.0.1:" + h.port()
                    + "\r\nAuthorization: Bearer " + token + "\r\n\r\n");
            assertThat(head.status()).isEqualTo(200);

            RawHttp.Response next = c.exchange(get("/orders/2", "Authorization: Bearer " + token));
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.bodyText()).as("no stray body bytes of the HEAD answer in between")
                    .isEqualTo("{\"upstream\":\"ok\"}");
        }
        assertThat(h.upstream.take().requestLine()).isEqualTo("HEAD /orders/1 HTTP/1.1");
        assertThat(h.upstream.take().requestLine()).isEqualTo("GET /orders/2 HTTP/1.1");
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderAndEachIsJudgedOnItsOwn() throws Exception {
        String token = admin();
        String pipeline = get("/orders/1", "Authorization: Bearer " + token) + get("/orders/2")
                + get("/orders/3", "Authorization: Bearer " + token);
        try (RawHttp c = h.raw()) {
            c.send(pipeline);
            assertThat(c.read().status()).isEqualTo(200);
            RawHttp.Response second = c.read();
            assertThat(second.status()).as("no token: the first request's identity does not carry over")
                    .isEqualTo(401);
            assertThat(c.read().status()).isEqualTo(200);
        }
        assertThat(h.upstream.take().target()).isEqualTo("/orders/1");
        assertThat(h.upstream.take().target()).isEqualTo("/orders/3");
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void upstreamHopByHopResponseHeadersStayAtTheProxy() throws Exception {
        pooled.behave(RecordingUpstream.Behaviour.ok().withHeaders("Connection: close, X-Internal-Hop",
                "X-Internal-Hop: secret", "Keep-Alive: timeout=5", "Proxy-Authenticate: Basic realm=x",
                "X-App: kept"));
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(get("/pooled/1"));
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.header("X-App")).isEqualTo("kept");
            assertThat(res.header("X-Internal-Hop")).isNull();
            assertThat(res.header("Keep-Alive")).isNull();
            assertThat(res.header("Proxy-Authenticate")).isNull();
            assertThat(res.header("Connection")).as("the upstream's close is not the client's").isNull();

            pooled.behave(RecordingUpstream.Behaviour.ok());
            assertThat(c.exchange(get("/pooled/2")).status()).isEqualTo(200);
        }
    }

    // ---- bodies ---------------------------------------------------------------------------------

    @Test
    void largeBodyStreamsThroughIntact() throws Exception {
        byte[] body = randomBytes(5 * 1024 * 1024);
        HttpResponse<String> res = h.http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + h.port() + "/orders/upload"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + admin())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(res.statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.body().length).isEqualTo(body.length);
        assertThat(sha256(r.body())).isEqualTo(sha256(body));
    }

    @Test
    void largeChunkedBodyStreamsThroughIntact() throws Exception {
        byte[] body = randomBytes(3 * 1024 * 1024 + 17);
        HttpResponse<String> res = h.http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + h.port() + "/orders/upload"))
                .timeout(Duration.ofSeconds(20)).header("Authorization", "Bearer " + admin())
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(res.statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.header("Transfer-Encoding")).isEqualTo("chunked");
        assertThat(sha256(r.body())).isEqualTo(sha256(body));
    }

    @Test
    void handMadeChunkedBodyIsForwardedIntact() throws Exception {
        String request = "POST /orders/new HTTP/1.1\r\nHost: 127.0.0.1:" + h.port() + "\r\nAuthorization: Bearer "
                + admin() + "\r\nTransfer-Encoding: chunked\r\nContent-Type: text/plain\r\n\r\n"
                + "5\r\nhello\r\n1;ext=yes\r\n \r\nA\r\n0123456789\r\n0\r\n\r\n";
        try (RawHttp c = h.raw()) {
            assertThat(c.exchange(request).status()).isEqualTo(200);
            assertThat(c.exchange(get("/orders/after", "Authorization: Bearer " + admin())).status())
                    .as("the connection is in sync after the chunked body").isEqualTo(200);
        }
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("hello 0123456789");
        assertThat(r.all("Transfer-Encoding")).containsExactly("chunked");
        assertThat(r.header("Content-Length")).isNull();
        assertThat(h.upstream.take().target()).isEqualTo("/orders/after");
    }

    @Test
    void contentLengthNextToChunkedNeverReachesTheUpstreamTogether() throws Exception {
        // The classic CL.TE smuggling shape: if both headers were forwarded, an upstream that
        // believes Content-Length would read the next request as part of this body (or vice versa).
        String smuggled = "GET /orders/secret HTTP/1.1\r\nHost: x\r\n\r\n";
        String request = "POST /pooled/form HTTP/1.1\r\nHost: 127.0.0.1:" + h.port() + "\r\nContent-Length: "
                + (5 + smuggled.length()) + "\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled;
        try (RawHttp c = h.raw()) {
            c.send(request);
            RawHttp.Response first = c.read(false);
            if (first.status() == 400) {
                assertThat(pooled.poll()).isNull();
                return; // refusing the ambiguous message outright is also correct
            }
            assertThat(first.status()).isEqualTo(200);
            RawHttp.Response second = c.read(false);
            assertThat(second.status()).as("the second request is judged on its own: no token").isEqualTo(401);
        }
        RecordingUpstream.Received r = pooled.take();
        assertThat(r.target()).isEqualTo("/pooled/form");
        assertThat(r.header("Content-Length")).isNull();
        assertThat(r.body()).isEmpty();
        assertThat(pooled.poll()).isNull();
        assertThat(h.upstream.poll()).as("/orders/secret never reaches the upstream").isNull();
    }

    @Test
    void expectContinueIsAnsweredByTheProxyAndNotForwarded() throws Exception {
        byte[] body = "{\"qty\":1}".getBytes(StandardCharsets.US_ASCII);
        try (RawHttp c = h.raw()) {
            c.send("POST /orders/new HTTP/1.1\r\nHost: 127.0.0.1:" + h.port() + "\r\nAuthorization: Bearer "
                    + admin() + "\r\nContent-Length: " + body.length + "\r\nExpect: 100-continue\r\n\r\n");
            assertThat(c.read(false).status()).isEqualTo(100);
            c.send(body);
            assertThat(c.read(false).status()).isEqualTo(200);
        }
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.header("Expect")).isNull();
        assertThat(r.body()).isEqualTo(body);
    }

    @Test
    void refusedRequestWithExpectContinueGetsNoContinue() throws Exception {
        String reader = h.token("alice", List.of("orders-readers"));
        try (RawHttp c = h.raw()) {
            c.send("POST /orders/new HTTP/1.1\r\nHost: 127.0.0.1:" + h.port() + "\r\nAuthorization: Bearer "
                    + reader + "\r\nContent-Length: 1000000\r\nExpect: 100-continue\r\n\r\n");
            RawHttp.Response res = c.read(false);
            assertThat(res.status()).as("the body is never asked for").isEqualTo(403);
        }
        assertThat(h.upstream.poll()).isNull();
    }

    // ---- body size limit -------------------------------------------------------------------------

    @Test
    void declaredBodyOverTheLimitIs413BeforeAnythingIsForwarded() throws Exception {
        try (RawHttp c = h.raw()) {
            c.send("POST /orders/upload HTTP/1.1\r\nHost: 127.0.0.1:" + h.port() + "\r\nAuthorization: Bearer "
                    + admin() + "\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\n");
            RawHttp.Response res = c.read(false);
            assertThat(res.status()).isEqualTo(413);
            assertThat(res.bodyText()).contains("\"reason\":\"body_too_large\"");
            assertThat(c.closedByPeer()).as("the unread body makes the connection unusable").isTrue();
        }
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void chunkedBodyGrowingOverTheLimitIs413AndNeverArrivesWhole() throws Exception {
        try (Harness small = new Harness()) {
            small.start(Harness.defaultConfig().replace("server: { key_wait_timeout: 2s }",
                    "server: { key_wait_timeout: 2s, max_body_size: 1024 }"));
            String token = small.token("root", List.of("orders-admins"));
            String head = "POST /orders/upload HTTP/1.1\r\nHost: 127.0.0.1:" + small.port()
                    + "\r\nAuthorization: Bearer " + token + "\r\n";

            try (RawHttp c = small.raw()) {
                RawHttp.Response exact = c.exchange(head + "Content-Length: 1024\r\n\r\n" + "a".repeat(1024));
                assertThat(exact.status()).as("exactly the limit is allowed").isEqualTo(200);
            }
            assertThat(small.upstream.take().body()).hasSize(1024);

            ByteArrayOutputStream chunked = new ByteArrayOutputStream();
            chunked.writeBytes((head + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            for (int i = 0; i < 4; i++) {
                chunked.writeBytes(("200\r\n" + "b".repeat(512) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            }
            chunked.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            try (RawHttp c = small.raw()) {
                RawHttp.Response res = c.send(chunked.toByteArray()).read(false);
                assertThat(res.status()).isEqualTo(413);
                assertThat(res.bodyText()).contains("\"reason\":\"body_too_large\"");
            }
            assertThat(small.upstream.poll()).as("no complete request reaches the upstream").isNull();
        }
    }
}
