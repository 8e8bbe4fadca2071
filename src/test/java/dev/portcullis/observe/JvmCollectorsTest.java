package dev.portcullis.observe;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link JvmCollectors} registers {@code JvmMetrics}'s collectors one by one, to leave out the
 * native-memory one when native memory tracking is off: the metric families are still exactly the
 * client's own, in its order.
 */
class JvmCollectorsTest {
    @Test
    void theSameFamiliesAsTheClientsJvmMetricsInTheSameOrder() {
        PrometheusRegistry clients = new PrometheusRegistry();
        JvmMetrics.builder().register(clients);
        PrometheusRegistry ours = new PrometheusRegistry();
        JvmCollectors.addTo(ours);

        assertThat(names(ours)).isNotEmpty().containsExactlyElementsOf(names(clients));
    }

    @Test
    void nativeMemoryTrackingIsReadFromTheVmOption() {
        boolean flagged = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-XX:NativeMemoryTracking=") && !a.endsWith("=off"));

        assertThat(JvmCollectors.nativeMemoryTracking()).isEqualTo(flagged);
    }

    private static List<String> names(PrometheusRegistry registry) {
        return registry.scrape().stream().map(s -> s.getMetadata().getPrometheusName()).toList();
    }
}
