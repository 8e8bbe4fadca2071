package dev.portcullis.observe;

import dev.portcullis.shared.SharedStateListener;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The shared state's metrics ({@code shared_state.redis}): whether Redis answers, and failed calls by
 * operation. Every series exists up front (the operations are a closed set).
 */
public final class SharedStateMetrics implements SharedStateListener {
    private final GaugeDataPoint up;
    private final CounterDataPoint[] errors = new CounterDataPoint[Op.values().length];

    public SharedStateMetrics(PrometheusRegistry registry) {
        up = Gauge.builder().name("portcullis_shared_state_up")
                .help("1 while the shared state's Redis answers, 0 while it is degraded (down, slow or refusing)")
                .register(registry).labelValues();
        Counter c = Counter.builder().name("portcullis_shared_state_errors")
                .help("Calls to the shared state's Redis that failed (error, timeout, not connected) by operation")
                .labelNames("op").register(registry);
        for (Op op : Op.values()) {
            errors[op.ordinal()] = c.labelValues(op.code());
        }
    }

    @Override
    public void up(boolean isUp) {
        up.set(isUp ? 1 : 0);
    }

    @Override
    public void failed(Op op) {
        errors[op.ordinal()].inc();
    }
}
