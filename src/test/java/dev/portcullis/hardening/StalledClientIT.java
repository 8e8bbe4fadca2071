package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.hardening.ProxyUnderAttack.Answer;
import dev.portcullis.it.AuditCapture;
import dev.portcullis.it.RawHttp;
import dev.portcullis.it.RecordingUpstream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Clients that stop keeping up once their request is being forwarded: a body that stops
 * arriving, a body that trickles, a response that is never read. Each costs at most its bound
 * ({@code body_read_timeout}, {@code body_min_rate}, {@code response_write_timeout}, set to 1 s
 * here), then gets a 408 or a close, an audit line and a metric, and gives back its connections
 * and its route's in-flight slot.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StalledClientIT {
    static final String TIMEOUTS = "body_read_timeout: 1s, body_min_rate: 1000, response_write_timeout: 1s";
    private static final int BULK_BYTES = 8 << 20;
    private static final long BOUND_MILLIS = 10_000;

    private ProxyUnderAttack p;
    private RecordingUpstream held;
    private RecordingUpstream guarded;
    private RecordingUpstream bulk;
    private AuditCapture audit;

    @BeforeAll
    void start() throws Exception {
        held = new RecordingUpstream();
        guarded = new RecordingUpstream();
        bulk = new RecordingUpstream();
        bulk.behave(new RecordingUpstream.Behaviour(200, "b".repeat(BULK_BYTES), 0, false));
        audit = new AuditCapture();
        p = ProxyUnderAttack.start(TIMEOUTS, "", """
                  - id: stall-open
                    match: { path: /open/** }
                    upstream: %HELD%
                    public: true
                  - id: stall-private
                    match: { path: /private/** }
                    upstream: %HELD%
                    allow: [ { groups_any: [admins] } ]
                  - id: stall-guarded
                    match: { path: /guarded/** }
                    upstream: %GUARDED%
                    public: true
                    max_concurrent_requests: 4
                  - id: stall-bulk
                    match: { path: /bulk/** }
                    upstream: %BULK%
                    public: true
                    max_concurrent_requests: 1
                """.replace("%HELD%", held.url()).replace("%GUARDED%", guarded.url())
                .replace("%BULK%", bulk.url()));
    }

    @AfterAll
    void stop() throws Exception {
        audit.close();
        p.close();
        held.close();
        guarded.close();
        bulk.close();
    }

    static Stream<Arguments> stalledBodies() {
        return Stream.of(
                Arguments.of("Content-Length 1000, one byte sent", "/open/cl", "Content-Length: 1000\r\n\r\nx", false),
                Arguments.of("Content-Length 1000, one byte, on a protected route", "/private/cl",
                        "Content-Length: 1000\r\n\r\nx", true),
                Arguments.of("chunked, head only", "/open/te-head", "Transfer-Encoding: chunked\r\n\r\n", false),
                Arguments.of("chunked, one chunk then nothing", "/open/te-chunk",
                        "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n", false),
                Arguments.of("chunked, stops inside a chunk", "/open/te-inside",
                        "Transfer-Encoding: chunked\r\n\r\na\r\nhel", false),
                Arguments.of("Expect: 100-continue, body never sent", "/open/expect",
                        "Content-Length: 10\r\nExpect: 100-continue\r\n\r\n", false));
    }

    /**
     * The request reaches the upstream (its connection opens), then the body stops: 408
     * {@code body_timeout} at about 1 s, the client connection closed, the upstream connection
     * closed rather than pooled, an audit line and the metric.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("stalledBodies")
    void aStalledBodyIs408AndReleasesBothConnections(String what, String path, String rest, boolean token)
            throws Exception {
        double before = clientTimeouts("body");
        try (RawHttp c = p.connect()) {
            c.send("POST " + path + " HTTP/1.1\r\nHost: " + p.host() + "\r\n"
                    + (token ? "Authorization: Bearer " + p.adminToken() + "\r\n" : "") + rest);
            long t0 = System.nanoTime();
            await("the request is forwarded (an upstream connection opens)", () -> held.openConnections() == 1);

            Answer a = Answer.read(c);
            if (a.status() == 100) {
                a = Answer.read(c);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(a.status()).as("%s", a).isEqualTo(408);
            assertThat(a.reason()).isEqualTo("body_timeout");
            assertThat(a.closed()).as("the client connection is closed").isTrue();
            assertThat(millis).as("answered at body_read_timeout (1 s)").isBetween(500L, 3000L);
        }
        await("the upstream connection is closed, not kept for another request", () -> held.openConnections() == 0);
        String route = path.startsWith("/private") ? "stall-private" : "stall-open";
        JsonNode line = awaitAudit(l -> route.equals(l.path("route").asText())
                && "body_timeout".equals(l.path("reason").asText()) && l.path("path").asText().equals(path));
        assertThat(line.path("status").asInt()).isEqualTo(408);
        assertThat(line.path("decision").asText()).isEqualTo("deny");
        assertThat(awaitClientTimeouts("body", before + 1)).isEqualTo(before + 1);
        p.assertStillServing();
    }

    /** Gaps shorter than body_read_timeout, but 5 bytes a second: below body_min_rate once the grace is over. */
    @Test
    void aTricklingBodyIsCutByTheMinimumRate() throws Exception {
        try (RawHttp c = p.connect()) {
            c.send("POST /open/trickle HTTP/1.1\r\nHost: " + p.host() + "\r\nContent-Length: 1000\r\n\r\n");
            long t0 = System.nanoTime();
            boolean cut = false;
            for (int i = 0; i < 50 && !cut; i++) { // at most 10 s of trickling
                Thread.sleep(200);
                try {
                    c.send("z");
                } catch (IOException closed) {
                    cut = true;
                }
                cut |= held.openConnections() == 0 && i > 2;
            }
            Answer a = Answer.read(c);
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(a.status()).as("%s", a).isEqualTo(408);
            assertThat(a.reason()).isEqualTo("body_timeout");
            assertThat(millis).as("cut soon after the 1 s grace, not after the whole body").isLessThan(5000L);
        }
        await("the upstream connection is closed", () -> held.openConnections() == 0);
        awaitAudit(l -> "/open/trickle".equals(l.path("path").asText())
                && "body_timeout".equals(l.path("reason").asText()));
    }

    /**
     * The example: four chunked heads that never send a body fill a route with
     * {@code max_concurrent_requests: 4}. Legitimate callers get 503 only until the body timeout
     * frees the slots, then 200.
     */
    @Test
    void fourStalledChunkedHeadsHoldTheRouteOnlyUntilTheBodyTimeout() throws Exception {
        List<RawHttp> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                RawHttp c = p.connect();
                stalled.add(c);
                c.send("POST /guarded/upload/" + i + " HTTP/1.1\r\nHost: " + p.host()
                        + "\r\nTransfer-Encoding: chunked\r\n\r\n");
            }
            await("four requests in flight", () -> guarded.openConnections() == 4);
            Answer busy = p.send(p.get("/guarded/legit", "Connection: close"));
            assertThat(busy.status()).as("the route is full meanwhile: %s", busy).isEqualTo(503);

            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS);
            Answer legit;
            do {
                Thread.sleep(100);
                legit = p.send(p.get("/guarded/legit", "Connection: close"));
            } while (legit.status() == 503 && System.nanoTime() < deadline);
            assertThat(legit.status()).as("a legitimate caller after the timeout: %s", legit).isEqualTo(200);
            assertThat(guarded.take().target()).isEqualTo("/guarded/legit");

            for (RawHttp c : stalled) {
                Answer a = Answer.read(c);
                assertThat(a.status()).as("%s", a).isEqualTo(408);
                assertThat(a.reason()).isEqualTo("body_timeout");
            }
        } finally {
            for (RawHttp c : stalled) {
                c.close();
            }
        }
        List<JsonNode> lines = audit.awaitCount(l -> "stall-guarded".equals(l.path("route").asText())
                && "body_timeout".equals(l.path("reason").asText()), 4);
        assertThat(lines).hasSize(4);
    }

    /**
     * A client that asks for 8 MB and reads none of it (a 4 KB receive buffer): after
     * response_write_timeout both connections close, the audit line keeps the status that went
     * out, and the route's only slot is free again.
     */
    @Test
    void aClientThatNeverReadsALargeResponseIsCut() throws Exception {
        double before = clientTimeouts("response_write");
        int received;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), p.port()));
            s.getOutputStream().write(("GET /bulk/big HTTP/1.1\r\nHost: " + p.host() + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            await("the upstream is asked", () -> bulk.openConnections() == 1);

            JsonNode line = awaitAudit(l -> "stall-bulk".equals(l.path("route").asText()));
            assertThat(line.path("reason").asText()).isEqualTo("response_write_timeout");
            assertThat(line.path("status").asInt()).as("the status whose head went out").isEqualTo(200);
            await("the upstream connection is closed", () -> bulk.openConnections() == 0);

            s.setSoTimeout(5000);
            received = drain(s.getInputStream());
        }
        assertThat(received).as("what reached the client before the close").isLessThan(BULK_BYTES);
        assertThat(awaitClientTimeouts("response_write", before + 1)).isEqualTo(before + 1);

        Answer again = p.send("HEAD /bulk/big HTTP/1.1\r\nHost: " + p.host() + "\r\nConnection: close\r\n\r\n");
        assertThat(again.status()).as("the route's only slot is free: %s", again).isEqualTo(200);
    }

    /** Reads until the proxy's close (EOF or reset); returns the bytes read. */
    private static int drain(InputStream in) throws IOException {
        byte[] buf = new byte[65536];
        int total = 0;
        try {
            for (int n; (n = in.read(buf)) != -1; ) {
                total += n;
            }
        } catch (java.net.SocketTimeoutException e) {
            throw new AssertionError("the connection was not closed; read " + total + " bytes", e);
        } catch (IOException reset) {
            // closed with unread data: a reset is a close too
        }
        return total;
    }

    private JsonNode awaitAudit(Predicate<JsonNode> p) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS);
        while (true) {
            for (JsonNode l : audit.lines()) {
                if (p.test(l)) {
                    return l;
                }
            }
            assertThat(System.nanoTime()).as("a matching audit line within %d ms", BOUND_MILLIS)
                    .isLessThan(deadline);
            Thread.sleep(25);
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BOUND_MILLIS);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("%s within %d ms", what, BOUND_MILLIS).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private double clientTimeouts(String kind) throws Exception {
        return clientTimeouts(p.h.metrics(), "proxy", kind);
    }

    private double awaitClientTimeouts(String kind, double expected) throws Exception {
        return clientTimeouts(p.h.metricsWhen(t -> clientTimeouts(t, "proxy", kind) >= expected), "proxy", kind);
    }

    /** {@code portcullis_client_timeouts_total{listener, kind}} in a /metrics text (0 when absent). */
    static double clientTimeouts(String metrics, String listener, String kind) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith("portcullis_client_timeouts_total{") && line.contains("listener=\"" + listener + "\"")
                    && line.contains("kind=\"" + kind + "\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }
}
