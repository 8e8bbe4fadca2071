package dev.portcullis.observe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.observe.Metrics.RouteMetrics;
import dev.portcullis.vocab.Reason;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The label values a route's requests are counted under, and the per-route upstream response histogram. */
class RouteMetricsTest {
    private final Metrics metrics = new Metrics();

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({"100, 1xx", "101, 1xx", "199, 1xx", "200, 2xx", "204, 2xx", "299, 2xx", "301, 3xx", "304, 3xx",
        "400, 4xx", "404, 4xx", "499, 4xx", "500, 5xx", "502, 5xx", "599, 5xx",
        // An upstream may answer with any three digits (and a broken one with more): not a class of its own.
        "0, other", "99, other", "600, other", "999, other", "1000, other", "-1, other"})
    void statusClassOfEveryStatus(int status, String expected) {
        assertThat(RequestCounts.STATUS_CLASSES[RequestCounts.statusClass(status)]).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} answered {2} → {3}, {4}")
    @CsvSource({
        // forwarded: the class is the upstream's answer, whatever it was
        "ALLOWED, GET, 200, allow, 2xx, read",
        "ALLOWED, POST, 201, allow, 2xx, write",
        "ALLOWED, GET, 500, allow, 5xx, read",
        "ALLOWED, DELETE, 503, allow, 5xx, write",
        "PUBLIC_ROUTE, GET, 302, allow, 3xx, read",
        "AUDIT_MODE, PUT, 404, allow, 4xx, write",
        "ALLOWED, PROPFIND, 207, allow, 2xx, other",
        // the proxy's own answers
        "TOKEN_MISSING, GET, 401, deny, 4xx, read",
        "GROUP_DENIED, POST, 403, deny, 4xx, write",
        "NO_ROUTE, GET, 404, deny, 4xx, read",
        "SOURCE_BLOCKED, GET, 429, deny, 4xx, read",
        "KEYS_UNAVAILABLE, GET, 503, error, 5xx, read",
        "UPSTREAM_UNAVAILABLE, GET, 502, error, 5xx, read",
        "UPSTREAM_BUSY, PATCH, 503, error, 5xx, write",
        "INTERNAL_ERROR, GET, 500, error, 5xx, read",
        // cut after the upstream's head went out: audited (and counted) with the status the client got
        "UPSTREAM_TIMEOUT, GET, 200, error, 2xx, read",
        "RESPONSE_WRITE_TIMEOUT, GET, 200, deny, 2xx, read",
        "CLIENT_CLOSED, GET, 499, deny, 4xx, read"})
    void requestsAreCountedUnderTheirLabels(Reason reason, String method, int status, String decision,
            String statusClass, String methodClass) {
        metrics.forRoute("orders").record(reason, Metrics.methodClass(method), status, 1_000);

        List<Map<String, String>> series = requestSeries();
        assertThat(series).containsExactly(Map.of("route", "orders", "method", methodClass, "decision", decision,
                "reason", reason.code(), "status_class", statusClass, "value", "1.0"));
    }

    @Test
    void onlyTheCombinationsThatOccurAreCreatedAndEachIsCountedOnce() {
        RouteMetrics orders = metrics.forRoute("orders");
        assertThat(requestSeries()).isEmpty();

        orders.record(Reason.ALLOWED, 0, 200, 1_000);
        orders.record(Reason.ALLOWED, 0, 204, 1_000);
        orders.record(Reason.ALLOWED, 0, 500, 1_000);
        orders.record(Reason.ALLOWED, 1, 500, 1_000);
        metrics.forRoute("reports").record(Reason.ALLOWED, 0, 200, 1_000);

        assertThat(requestSeries()).extracting(s -> s.get("route") + " " + s.get("method") + " "
                + s.get("status_class") + " " + s.get("value")).containsExactlyInAnyOrder(
                "orders read 2xx 2.0", "orders read 5xx 1.0", "orders write 5xx 1.0", "reports read 2xx 1.0");
    }

    @Test
    void aReloadedRouteCountsIntoTheSameSeries() {
        metrics.forRoute("orders").record(Reason.ALLOWED, 0, 200, 1_000);
        metrics.forRoute("orders").record(Reason.ALLOWED, 0, 200, 1_000); // a new snapshot's handles

        assertThat(requestSeries()).singleElement().extracting(s -> s.get("value")).isEqualTo("2.0");
    }

    @Test
    void upstreamResponseTimesAreObservedPerRoute() {
        metrics.forRoute("orders").upstreamResponded(2_000_000); // 2 ms
        metrics.forRoute("orders").upstreamResponded(300_000_000); // 300 ms
        metrics.forRoute("reports").upstreamResponded(1_000_000);
        metrics.forRoute("docs"); // never forwarded: no series

        HistogramSnapshot h = (HistogramSnapshot) family("portcullis_upstream_response_seconds");
        Map<String, HistogramDataPointSnapshot> byRoute = new TreeMap<>();
        h.getDataPoints().forEach(p -> byRoute.put(p.getLabels().get("route"), p));
        assertThat(byRoute).containsOnlyKeys("orders", "reports");
        assertThat(byRoute.get("orders").getCount()).isEqualTo(2);
        assertThat(byRoute.get("orders").getSum()).isCloseTo(0.302, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(byRoute.get("orders").getClassicBuckets().getUpperBound(0)).isEqualTo(0.0005);
        assertThat(byRoute.get("reports").getCount()).isEqualTo(1);
        // A refused request never reaches an upstream: the request histogram counts it, this one does not.
        metrics.forRoute("docs").record(Reason.TOKEN_MISSING, 0, 401, 1_000);
        assertThat(((HistogramSnapshot) family("portcullis_upstream_response_seconds")).getDataPoints())
                .hasSize(2);
    }

    @Test
    void jvmAndProcessCollectorsAreAddedOnlyWhenAsked() {
        assertThat(names(metrics)).noneMatch(n -> n.startsWith("jvm_") || n.startsWith("process_"));

        Metrics withJvm = new Metrics().withJvmMetrics();

        assertThat(names(withJvm)).contains("jvm_memory_used_bytes", "jvm_threads_current", "process_cpu_seconds");
    }

    private static List<String> names(Metrics m) {
        return m.registry().scrape().stream().map(s -> s.getMetadata().getPrometheusName()).toList();
    }

    private MetricSnapshot family(String name) {
        return metrics.registry().scrape().stream().filter(s -> s.getMetadata().getPrometheusName().equals(name))
                .findFirst().orElseThrow();
    }

    /** Each series of portcullis_requests_total as its labels plus its value. */
    private List<Map<String, String>> requestSeries() {
        CounterSnapshot c = (CounterSnapshot) family("portcullis_requests");
        return c.getDataPoints().stream().map(RouteMetricsTest::asMap).toList();
    }

    private static Map<String, String> asMap(CounterDataPointSnapshot p) {
        Map<String, String> out = new TreeMap<>();
        p.getLabels().forEach(l -> out.put(l.getName(), l.getValue()));
        out.put("value", String.valueOf(p.getValue()));
        return out;
    }
}
