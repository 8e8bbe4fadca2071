package dev.portcullis.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The checks {@link DeployFilesTest} relies on must see what they are meant to see. */
class PromQlTest {

    static Stream<Arguments> expressions() {
        return Stream.of(
                Arguments.of("sum by (route, decision) (rate(portcullis_requests_total{job=~\"$job\", route=~\"a|b\"}"
                        + "[$__rate_interval]))", Set.of("portcullis_requests_total")),
                Arguments.of("histogram_quantile(0.99, sum by (le) (rate(portcullis_proxy_overhead_seconds_bucket[5m])))",
                        Set.of("portcullis_proxy_overhead_seconds_bucket")),
                Arguments.of("(time() - portcullis_jwks_last_success_timestamp_seconds > 900) and on (job, issuer) "
                        + "(increase(portcullis_jwks_fetches_total{result=\"failure\"}[15m]) > 0)",
                        Set.of("portcullis_jwks_last_success_timestamp_seconds", "portcullis_jwks_fetches_total")),
                Arguments.of("rate(x_total[1h] offset 5m) > 3 * 1e3", Set.of("x_total")),
                Arguments.of("up == 0 or absent(portcullis_requests_total)", Set.of("up", "portcullis_requests_total")),
                Arguments.of("count by (job) (count by (job, sha256) (portcullis_config_info)) > 1",
                        Set.of("portcullis_config_info")),
                Arguments.of("sum(rate(a{l=\"}\"}[5m]))", Set.of("a")));
    }

    @ParameterizedTest
    @MethodSource("expressions")
    void findsTheMetricNamesAndOnlyThem(String expr, Set<String> metrics) {
        assertThat(PromQl.metrics(expr)).isEqualTo(metrics);
    }

    @Test
    void grafanaVariablesBecomeValidPromQl() {
        assertThat(PromQl.withoutGrafanaVariables(
                "increase(m{job=~\"$job\", i=~\"${instance}\"}[$__range]) / rate(m[$__rate_interval])"))
                .isEqualTo("increase(m{job=~\".*\", i=~\".*\"}[1h]) / rate(m[5m])");
    }

    @Test
    void exportedNamesFollowTheTextFormatSoARenameIsSeen() {
        PrometheusRegistry r = new PrometheusRegistry();
        Counter.builder().name("portcullis_jwks_fetch").labelNames("issuer").register(r);
        Histogram.builder().name("portcullis_latency_seconds").classicOnly().register(r);
        Gauge.builder().name("portcullis_jwks_keys").register(r);
        Info.builder().name("portcullis_config").labelNames("sha256").register(r);

        assertThat(DeployFilesTest.exportedNames(r)).containsExactlyInAnyOrder("portcullis_jwks_fetch_total",
                "portcullis_latency_seconds_bucket", "portcullis_latency_seconds_count", "portcullis_latency_seconds_sum",
                "portcullis_jwks_keys", "portcullis_config_info")
                .doesNotContain("portcullis_jwks_fetches_total");
    }
}
