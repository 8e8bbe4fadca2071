package dev.portcullis.observe;

import dev.portcullis.detect.IntrusionEvent;
import dev.portcullis.detect.IntrusionListener;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntSupplier;

/**
 * Intrusion detection's metrics: {@code portcullis_intrusion_events_total{kind}},
 * {@code portcullis_intrusion_alerts_total{result}}, {@code portcullis_intrusion_log_dropped_total},
 * {@code portcullis_fleet_denials_dropped_total} and {@code portcullis_blocked_sources}.
 */
final class IntrusionMetrics {
    private final PrometheusRegistry registry;
    private final Counter events;
    private final Counter alerts;
    private final Counter logDropped;
    private final Counter fleetDropped;

    IntrusionMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        events = Counter.builder().name("portcullis_intrusion_events")
                .help("Suspected intrusion attempts by kind (threshold_client, threshold_subject, instant)")
                .labelNames("kind").register(registry);
        alerts = Counter.builder().name("portcullis_intrusion_alerts")
                .help("Intrusion webhook deliveries by result (delivered, rejected, gave_up, dropped)")
                .labelNames("result").register(registry);
        logDropped = Counter.builder().name("portcullis_intrusion_log_dropped")
                .help("Intrusion event lines dropped because the writer's queue was full").register(registry);
        fleetDropped = Counter.builder().name("portcullis_fleet_denials_dropped")
                .help("Denials not counted fleet-wide (too many Redis calls pending); still counted locally")
                .register(registry);
    }

    /** Counts intrusion events (an array read and an add on the request thread) and webhook outcomes. */
    IntrusionListener listener() {
        CounterDataPoint[] byKind = new CounterDataPoint[IntrusionEvent.Kind.values().length];
        for (IntrusionEvent.Kind k : IntrusionEvent.Kind.values()) {
            byKind[k.ordinal()] = events.labelValues(k.code());
        }
        return new IntrusionListener() {
            @Override
            public void eventRaised(IntrusionEvent e) {
                byKind[e.kind().ordinal()].inc();
            }

            @Override
            public void logDropped() {
                logDropped.inc();
            }

            @Override
            public void fleetDropped() {
                fleetDropped.inc();
            }

            @Override
            public void alert(AlertOutcome outcome) {
                alerts.labelValues(outcome.code()).inc();
            }
        };
    }

    /** Registers {@code portcullis_blocked_sources}, read from {@code blocked} at each scrape. */
    void blockedSources(IntSupplier blocked) {
        GaugeWithCallback.builder().name("portcullis_blocked_sources")
                .help("Client addresses and subjects refused by intrusion detection now")
                .callback(cb -> cb.call(blocked.getAsInt())).register(registry);
    }
}
