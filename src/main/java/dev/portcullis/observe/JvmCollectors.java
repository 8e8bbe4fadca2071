package dev.portcullis.observe;

import com.sun.management.HotSpotDiagnosticMXBean;
import io.prometheus.metrics.config.PrometheusProperties;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryPoolAllocationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.ManagementFactory;

/**
 * The Prometheus client's standard JVM and process collectors ({@code jvm_*}, {@code process_*}),
 * created once per JVM and shared by every registry that asks for them. They watch the whole JVM
 * (garbage collection listeners included), and the client keeps each registry it registered them
 * with for good: registering them per {@link Metrics} would grow both with every proxy a test JVM
 * starts.
 *
 * <p>The collectors are {@code JvmMetrics.builder().register}'s, in its order, with one difference
 * in cost only: the native-memory collector ({@code jvm_native_memory_*}) is registered only when
 * native memory tracking is on ({@code -XX:NativeMemoryTracking=summary|detail}). It asks at
 * registration, through the platform MBean server, and registers nothing when tracking is off (the
 * default); creating that server (every platform MBean, Flight Recorder's included) was ≈45 ms of
 * CPU on the main thread at start-up, for no metric.
 *
 * <p>They are created on a thread of their own, started when this class is first used: ≈30 ms of
 * start-up's main thread otherwise (the platform MXBeans, the collectors' classes). A scrape that
 * comes before they are ready waits for them.
 */
final class JvmCollectors {
    /** The collectors, made when this class is first used (the JVM runs that once, and makes others wait). */
    private static final class Made {
        static final PrometheusRegistry JVM = new PrometheusRegistry();

        static {
            PrometheusProperties config = PrometheusProperties.get();
            JvmThreadsMetrics.builder(config).register(JVM);
            JvmBufferPoolMetrics.builder(config).register(JVM);
            JvmClassLoadingMetrics.builder(config).register(JVM);
            JvmCompilationMetrics.builder(config).register(JVM);
            JvmGarbageCollectorMetrics.builder(config).register(JVM);
            JvmMemoryPoolAllocationMetrics.builder(config).register(JVM);
            JvmMemoryMetrics.builder(config).register(JVM);
            if (nativeMemoryTracking()) {
                JvmNativeMemoryMetrics.builder(config).register(JVM);
            }
            JvmRuntimeInfoMetric.builder(config).register(JVM);
            ProcessMetrics.builder(config).register(JVM);
        }

        private Made() {
        }
    }

    static { // once per JVM, when the first registry adds them (class initialisation runs once)
        Thread making = new Thread(() -> Made.JVM.hashCode(), "portcullis-jvm-metrics");
        making.setDaemon(true);
        making.start();
    }

    private JvmCollectors() {
    }

    /** Whether this JVM tracks native memory (the VM option, read without the platform MBean server). */
    static boolean nativeMemoryTracking() {
        try {
            String mode = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .getVMOption("NativeMemoryTracking").getValue();
            return !"off".equals(mode);
        } catch (RuntimeException e) { // not HotSpot, or no such option: let the collector ask for itself
            return true;
        }
    }

    /** Adds the JVM's and the process's metrics to {@code registry}'s scrapes. */
    static void addTo(PrometheusRegistry registry) {
        registry.register((MultiCollector) () -> Made.JVM.scrape());
    }
}
