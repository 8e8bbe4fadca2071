package dev.portcullis.observe;

import dev.portcullis.shared.FleetEvents;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * The fleet's directory events ({@code shared_state.redis} with the membership overlay):
 * {@code portcullis_fleet_events_total{source}} (published, received, caught_up, duplicate),
 * {@code portcullis_fleet_events_dropped_total{reason}} (malformed, outbox_full, queue_full) and
 * {@code portcullis_fleet_events_outbox}. Every series exists up front.
 */
public final class FleetEventMetrics implements FleetEvents.Counts {
    private final CounterDataPoint[] sources = new CounterDataPoint[Source.values().length];
    private final CounterDataPoint[] drops = new CounterDataPoint[Drop.values().length];

    public FleetEventMetrics(PrometheusRegistry registry, IntSupplier outbox) {
        Counter events = Counter.builder().name("portcullis_fleet_events")
                .help("Directory events shared with the fleet: published (claimed and appended to the stream by"
                        + " this instance), received (from another instance on the bus), caught_up (read from the"
                        + " stream after a (re)connect), duplicate (seen before, here or fleet-wide)")
                .labelNames("source").register(registry);
        for (Source s : Source.values()) {
            sources[s.ordinal()] = events.labelValues(s.name().toLowerCase(Locale.ROOT));
        }
        Counter dropped = Counter.builder().name("portcullis_fleet_events_dropped")
                .help("Fleet directory events dropped: malformed (an oversized or unreadable stream entry or bus"
                        + " message), outbox_full (applied here only: Redis was unavailable and the outbox full),"
                        + " queue_full (too many received events waiting to be applied)")
                .labelNames("reason").register(registry);
        for (Drop d : Drop.values()) {
            drops[d.ordinal()] = dropped.labelValues(d.name().toLowerCase(Locale.ROOT));
        }
        GaugeWithCallback.builder().name("portcullis_fleet_events_outbox")
                .help("Directory events applied here and waiting for Redis to be given to the fleet")
                .callback(cb -> cb.call(outbox.getAsInt())).register(registry);
    }

    @Override
    public void counted(Source source) {
        sources[source.ordinal()].inc();
    }

    @Override
    public void dropped(Drop why) {
        drops[why.ordinal()].inc();
    }
}
