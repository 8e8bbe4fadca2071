package dev.portcullis.observe;

import dev.portcullis.membership.DirectoryEvent;
import dev.portcullis.membership.OverlayCounters;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * The membership overlay's metrics: {@code portcullis_overlay_entries} (entries held now) and
 * {@code portcullis_overlay_events_applied_total{type}}. Its refusals are counted with every other
 * answer, in {@code portcullis_requests_total} by reason.
 */
public final class OverlayMetrics implements OverlayCounters {
    private final PrometheusRegistry registry;
    private final CounterDataPoint[] applied;

    OverlayMetrics(PrometheusRegistry registry) {
        this.registry = registry;
        Counter c = Counter.builder().name("portcullis_overlay_events_applied")
                .help("Directory events (Okta Event Hook, operator revocations) applied to the membership overlay,"
                        + " by type").labelNames("type").register(registry);
        DirectoryEvent.Type[] types = DirectoryEvent.Type.values();
        applied = new CounterDataPoint[types.length];
        for (DirectoryEvent.Type t : types) {
            applied[t.ordinal()] = c.labelValues(label(t));
        }
    }

    /** The label of a type: Okta's {@code eventType}, or {@code operator.revoke}. */
    static String label(DirectoryEvent.Type t) {
        return t.oktaType() != null ? t.oktaType() : t.name().toLowerCase(Locale.ROOT).replace('_', '.');
    }

    @Override
    public void applied(DirectoryEvent.Type type) {
        applied[type.ordinal()].inc();
    }

    /** Registers {@code portcullis_overlay_entries}, read at each scrape (once the overlay is on). */
    public void entries(IntSupplier size) {
        GaugeWithCallback.builder().name("portcullis_overlay_entries")
                .help("Entries the membership overlay holds now (each kept until every token it concerns has expired)")
                .callback(cb -> cb.call(size.getAsInt())).register(registry);
    }
}
