package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Span export to an OTLP/HTTP endpoint (a stand-in collector on loopback that keeps the bodies it
 * receives), and audit sampling of allowed requests.
 */
class TracingIT {
    static Harness h;
    /** The same, without {@code trusted_sources}: no client's trace is continued. */
    static Harness untrusting;
    static HttpServer collector;
    static final BlockingQueue<byte[]> exports = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        collector.createContext("/v1/traces", ex -> {
            exports.add(ex.getRequestBody().readAllBytes());
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        collector.start();
        h = new Harness().start(Harness.defaultConfig() + """
                tracing:
                  otlp_endpoint: http://127.0.0.1:%d/v1/traces
                  export_delay: 100ms
                  trusted_sources: [127.0.0.1/32]
                audit: { allowed_sample_rate: 0.0 }
                """.formatted(collector.getAddress().getPort()));
        untrusting = new Harness().start(Harness.defaultConfig() + """
                tracing:
                  otlp_endpoint: http://127.0.0.1:%d/v1/traces
                  export_delay: 100ms
                """.formatted(collector.getAddress().getPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        untrusting.close();
        collector.stop(0);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Test
    void aSampledRequestIsExportedAsTheParentOfWhatTheUpstreamSaw() throws Exception {
        h.upstream.clear();
        String token = h.token("spanner", List.of("orders-readers"));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/orders/77"))
                .header("Authorization", "Bearer " + token)
                .header("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01").build();
        assertThat(h.http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        String sent = h.upstream.take().header("traceparent");
        String spanId = sent.substring(36, 52);

        byte[] traceId = HexFormat.of().parseHex("0af7651916cd43dd8448eb211c80319c");
        byte[] ourSpan = HexFormat.of().parseHex(spanId);
        byte[] callerSpan = HexFormat.of().parseHex("b7ad6b7169203331");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            byte[] body = exports.poll(500, TimeUnit.MILLISECONDS);
            if (body != null && contains(body, traceId) && contains(body, ourSpan)) {
                assertThat(contains(body, callerSpan)).as("the caller's span is the parent").isTrue();
                assertThat(contains(body, "GET orders".getBytes())).isTrue();
                assertThat(contains(body, "spanner".getBytes())).isTrue();
                return;
            }
        }
        throw new AssertionError("no span with the forwarded ids was exported within 10 s");
    }

    @Test
    void anUnsampledCallersTraceIsPropagatedButNotExported() throws Exception {
        exports.clear();
        h.upstream.clear();
        String token = h.token("quiet", List.of("orders-readers"));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/orders/78"))
                .header("Authorization", "Bearer " + token)
                .header("traceparent", "00-1af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00").build();
        assertThat(h.http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(h.upstream.take().header("traceparent")).startsWith("00-1af7651916cd43dd8448eb211c80319c-")
                .endsWith("-00");
        byte[] traceId = HexFormat.of().parseHex("1af7651916cd43dd8448eb211c80319c");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (System.nanoTime() < deadline) {
            byte[] body = exports.poll(200, TimeUnit.MILLISECONDS);
            assertThat(body == null || !contains(body, traceId)).isTrue();
        }
    }

    @Test
    void allowedRequestsAreSampledOutOfTheAuditLogButDenialsNeverAre() throws Exception {
        try (AuditCapture audit = new AuditCapture()) {
            String reader = h.token("sampled-out", List.of("orders-readers"));
            assertThat(h.get("/orders/79", reader).statusCode()).isEqualTo(200);
            assertThat(h.get("/orders/80", null).statusCode()).isEqualTo(401);
            audit.await(n -> "/orders/80".equals(n.path("path").asText()));
            Thread.sleep(300);
            assertThat(audit.lines()).noneMatch(n -> "/orders/79".equals(n.path("path").asText()));
            String counted = "reason=\"allowed\"";
            assertThat(h.metricsOnce(counted)).contains(counted);
        }
    }

    /**
     * A client outside {@code tracing.trusted_sources} cannot choose the trace (nor, with its
     * flag, whether it is sampled): the request starts a new trace, the upstream is told that one,
     * the client's vendor state is dropped, and the exported span links to the client's context.
     */
    @Test
    void anUntrustedClientsTraceparentStartsANewTraceLinkedToIt() throws Exception {
        untrusting.upstream.clear();
        String clientTrace = "2af7651916cd43dd8448eb211c80319c";
        String clientSpan = "c7ad6b7169203332";
        String token = untrusting.token("linker", List.of("orders-readers"));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + untrusting.port() + "/orders/81"))
                .header("Authorization", "Bearer " + token)
                .header("traceparent", "00-" + clientTrace + "-" + clientSpan + "-01")
                .header("tracestate", "vendor=chosen-by-client").build();
        assertThat(untrusting.http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = untrusting.upstream.take();
        String sent = r.header("traceparent");
        assertThat(r.all("traceparent")).hasSize(1);
        assertThat(sent).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]").doesNotContain(clientTrace)
                .doesNotContain(clientSpan);
        assertThat(r.all("tracestate")).as("the client's vendor state belongs to its own trace").isEmpty();

        byte[] ourTrace = HexFormat.of().parseHex(sent.substring(3, 35));
        byte[] ourSpan = HexFormat.of().parseHex(sent.substring(36, 52));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            byte[] body = exports.poll(500, TimeUnit.MILLISECONDS);
            if (body != null && contains(body, ourTrace) && contains(body, ourSpan)) {
                assertThat(contains(body, HexFormat.of().parseHex(clientTrace))).as("linked trace").isTrue();
                assertThat(contains(body, HexFormat.of().parseHex(clientSpan))).as("linked span").isTrue();
                return;
            }
        }
        throw new AssertionError("no span with the forwarded ids was exported within 10 s");
    }

    /** A trusted source's trace is continued: same trace id, its span the parent of ours. */
    @Test
    void aTrustedSourcesTraceparentIsContinued() throws Exception {
        h.upstream.clear();
        String token = h.token("continued", List.of("orders-readers"));
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/orders/82"))
                .header("Authorization", "Bearer " + token)
                .header("traceparent", "00-3af7651916cd43dd8448eb211c80319c-d7ad6b7169203333-00")
                .header("tracestate", "vendor=kept").build();
        assertThat(h.http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.header("traceparent")).startsWith("00-3af7651916cd43dd8448eb211c80319c-").endsWith("-00")
                .doesNotContain("d7ad6b7169203333");
        assertThat(r.all("tracestate")).containsExactly("vendor=kept");
    }
}
