package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The admin listener as an operator and a Prometheus scraper see it. The proxy here serves a
 * known, counted set of requests first, so the counters can be checked exactly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AdminIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static Harness h;

    @BeforeAll
    static void startAndServeKnownTraffic() throws Exception {
        h = new Harness().start();
        String reader = h.token("alice", List.of("orders-readers"));
        String stranger = h.token("carol", List.of("engineering"));
        assertThat(h.get("/orders/1", reader).statusCode()).isEqualTo(200);
        assertThat(h.get("/orders/2", reader).statusCode()).isEqualTo(200);
        assertThat(h.get("/orders/3", null).statusCode()).isEqualTo(401);
        assertThat(h.get("/orders/4", stranger).statusCode()).isEqualTo(403);
        assertThat(h.get("/nowhere", reader).statusCode()).isEqualTo(404);
        assertThat(h.get("/public/a", null).statusCode()).isEqualTo(200);
        // Allowed, forwarded, and answered 500 by the upstream itself: not a refusal, not the proxy's error.
        h.upstream.behave(new RecordingUpstream.Behaviour(500, "{\"upstream\":\"broken\"}", 0, false));
        assertThat(h.get("/orders/5", reader).statusCode()).isEqualTo(500);
        h.upstream.behave(RecordingUpstream.Behaviour.ok());
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    /** The metrics text once the expected count is there (the last decision is counted as its answer leaves). */
    private static String metricsWith(String name, double expected, String... labels) throws Exception {
        return h.metricsWhen(text -> PromText.sum(text, name, labels) >= expected);
    }

    @Test
    void healthzIsAlways200() throws Exception {
        HttpResponse<String> res = h.admin("/healthz");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(res.body()).path("status").asText()).isEqualTo("ok");
    }

    @Test
    void readyzReportsEachIssuersKeys() throws Exception {
        HttpResponse<String> res = h.admin("/readyz");

        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(res.body());
        assertThat(body.path("status").asText()).isEqualTo("ready");
        assertThat(body.path("issuers").path("mock").path("keys_loaded").asBoolean()).isTrue();
        assertThat(body.path("issuers").path("mock").path("keys").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(body.path("config").path("routes").asInt()).isEqualTo(3);
        assertThat(body.path("config").path("sha256").asText()).hasSize(64);
    }

    @Test
    void requestsAreCountedByRouteDecisionAndReason() throws Exception {
        String text = metricsWith("portcullis_requests_total", 1, "route=\"docs\"", "reason=\"public_route\"");

        assertThat(PromText.sum(text, "portcullis_requests_total", "route=\"orders\"", "decision=\"allow\"",
                "reason=\"allowed\"")).isEqualTo(3);
        assertThat(PromText.sum(text, "portcullis_requests_total", "route=\"orders\"", "decision=\"deny\"",
                "reason=\"token_missing\"")).isEqualTo(1);
        assertThat(PromText.sum(text, "portcullis_requests_total", "route=\"orders\"", "decision=\"deny\"",
                "reason=\"group_denied\"")).isEqualTo(1);
        assertThat(PromText.sum(text, "portcullis_requests_total", "route=\"-\"", "reason=\"no_route\""))
                .isEqualTo(1);
        assertThat(PromText.sum(text, "portcullis_requests_total", "route=\"docs\"", "decision=\"allow\"",
                "reason=\"public_route\"")).isEqualTo(1);
        assertThat(PromText.sum(text, "portcullis_requests_total")).as("every request once, and only once")
                .isEqualTo(7);
    }

    @Test
    void requestDurationsAreAHistogramPerRoute() throws Exception {
        String text = metricsWith("portcullis_request_duration_seconds_count", 5, "route=\"orders\"");

        List<PromText.Sample> buckets = PromText.find(text, "portcullis_request_duration_seconds_bucket",
                "route=\"orders\"");
        assertThat(buckets).hasSizeGreaterThan(5);
        assertThat(buckets).extracting(PromText.Sample::labels).anyMatch(l -> l.contains("le=\"+Inf\""));
        double previous = 0;
        for (PromText.Sample b : buckets) {
            assertThat(b.value()).as("cumulative buckets").isGreaterThanOrEqualTo(previous);
            previous = b.value();
        }
        assertThat(previous).isEqualTo(5);
        assertThat(PromText.sum(text, "portcullis_request_duration_seconds_count", "route=\"orders\""))
                .isEqualTo(5);
        assertThat(PromText.sum(text, "portcullis_request_duration_seconds_sum", "route=\"orders\""))
                .isGreaterThan(0);
    }

    @Test
    void requestsAreCountedByTheClassOfTheStatusAnswered() throws Exception {
        String text = metricsWith("portcullis_requests_total", 1, "route=\"docs\"", "reason=\"public_route\"");

        // The upstream's own 500 is counted as what the client got: allowed, and a 5xx.
        assertThat(PromText.sum(text, "portcullis_requests_total", "route=\"orders\"", "decision=\"allow\"",
                "reason=\"allowed\"", "status_class=\"5xx\"")).isEqualTo(1);
        assertThat(PromText.sum(text, "portcullis_requests_total", "route=\"orders\"", "decision=\"allow\"",
                "reason=\"allowed\"", "status_class=\"2xx\"")).isEqualTo(2);
        assertThat(PromText.sum(text, "portcullis_requests_total", "route=\"orders\"", "reason=\"token_missing\"",
                "status_class=\"4xx\"")).isEqualTo(1);
        assertThat(PromText.sum(text, "portcullis_requests_total", "route=\"-\"", "reason=\"no_route\"",
                "status_class=\"4xx\"")).isEqualTo(1);
        assertThat(PromText.sum(text, "portcullis_requests_total", "status_class=\"5xx\"")).isEqualTo(1);
        assertThat(PromText.find(text, "portcullis_requests_total")).isNotEmpty()
                .allSatisfy(s -> assertThat(s.labels()).contains("status_class=\""));
    }

    @Test
    void upstreamResponseTimesAreAHistogramPerRoute() throws Exception {
        // Forwarded on orders: /orders/1, /orders/2 and the upstream's 500; on docs: /public/a.
        String text = metricsWith("portcullis_upstream_response_seconds_count", 3, "route=\"orders\"");

        assertThat(PromText.sum(text, "portcullis_upstream_response_seconds_count", "route=\"orders\""))
                .isEqualTo(3);
        assertThat(PromText.sum(text, "portcullis_upstream_response_seconds_count", "route=\"docs\"")).isEqualTo(1);
        assertThat(PromText.sum(text, "portcullis_upstream_response_seconds_bucket", "route=\"orders\"",
                "le=\"+Inf\"")).isEqualTo(3);
        assertThat(PromText.sum(text, "portcullis_upstream_response_seconds_sum", "route=\"orders\""))
                .isGreaterThan(0);
        assertThat(PromText.find(text, "portcullis_upstream_response_seconds_count", "route=\"-\""))
                .as("refused requests never reached an upstream").isEmpty();
    }

    @Test
    void jvmAndProcessMetricsAreExported() throws Exception {
        String text = h.metrics();

        assertThat(PromText.sum(text, "jvm_memory_used_bytes", "area=\"heap\"")).isGreaterThan(0);
        assertThat(PromText.find(text, "jvm_threads_current")).isNotEmpty();
        assertThat(PromText.find(text, "jvm_gc_collection_seconds_count")).isNotEmpty();
        assertThat(PromText.sum(text, "process_cpu_seconds_total")).isGreaterThan(0);
        assertThat(PromText.sum(text, "process_start_time_seconds")).isGreaterThan(0);
    }

    @Test
    void keyFetchesAreCounted() throws Exception {
        String text = h.metrics();

        assertThat(PromText.sum(text, "portcullis_jwks_fetches_total", "issuer=\"mock\"", "result=\"success\""))
                .isGreaterThanOrEqualTo(1);
        assertThat(PromText.sum(text, "portcullis_jwks_keys", "issuer=\"mock\"")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void metricsAreServedAsPrometheusText() throws Exception {
        HttpResponse<String> res = h.admin("/metrics");

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type")).hasValueSatisfying(ct ->
                assertThat(ct).startsWith("text/plain"));
        assertThat(res.body()).contains("# TYPE portcullis_requests_total counter");
    }

    @Test
    @Order(Integer.MAX_VALUE) // it adds traffic; the exact counts above are taken before it
    void adminEndpointsAreNotReachableThroughTheProxyPort() throws Exception {
        for (String path : List.of("/metrics", "/readyz", "/healthz")) {
            HttpResponse<String> res = h.get(path, null);
            assertThat(res.statusCode()).as(path).isEqualTo(404);
            assertThat(res.body()).doesNotContain("portcullis_requests_total");
        }
    }

    @Test
    void adminRefusesUnknownPathsAndWrites() throws Exception {
        assertThat(h.admin("/config").statusCode()).isEqualTo(404);
        HttpResponse<String> post = h.http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + h.proxy().adminPort() + "/healthz"))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
    }
}
