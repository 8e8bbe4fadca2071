package dev.portcullis.observe;

import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The Prometheus client's standard JVM and process collectors ({@code jvm_*}, {@code process_*}),
 * created once per JVM and shared by every registry that asks for them. They watch the whole JVM
 * (garbage collection listeners included), and the client keeps each registry it registered them
 * with for good: registering them per {@link Metrics} would grow both with every proxy a test JVM
 * starts.
 */
final class JvmCollectors {
    private static final PrometheusRegistry JVM = new PrometheusRegistry();

    static {
        JvmMetrics.builder().register(JVM);
    }

    private JvmCollectors() {
    }

    /** Adds the JVM's and the process's metrics to {@code registry}'s scrapes. */
    static void addTo(PrometheusRegistry registry) {
        registry.register((MultiCollector) JVM::scrape);
    }
}
