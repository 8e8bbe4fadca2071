package dev.portcullis.observe;

import dev.portcullis.membership.EventQueue;
import dev.portcullis.vocab.Reason;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntSupplier;

/**
 * The Event Hook receiver's metrics: {@code portcullis_okta_events_total{result}} (received,
 * applied, duplicate, refused, ignored), {@code portcullis_okta_event_deliveries_total{reason}} (how
 * each request to the receiver was answered) and {@code portcullis_okta_events_queued}. Handles
 * are made once; counting is lock-free.
 */
public final class OktaEventMetrics implements EventQueue.Counts {
    private final CounterDataPoint received;
    private final CounterDataPoint applied;
    private final CounterDataPoint duplicate;
    private final CounterDataPoint refused;
    private final CounterDataPoint ignored;
    private final CounterDataPoint[] deliveries = new CounterDataPoint[Reason.values().length];
    private final Counter deliveryCounter;

    public OktaEventMetrics(PrometheusRegistry registry, IntSupplier queued) {
        Counter events = Counter.builder().name("portcullis_okta_events")
                .help("Okta directory events by what became of them: received (in a delivery that passed the"
                        + " secret check), applied (handed to the membership overlay), duplicate (uuid seen before),"
                        + " refused (queue full: 503), ignored (an event type the gate does not act on)")
                .labelNames("result").register(registry);
        received = events.labelValues("received");
        applied = events.labelValues("applied");
        duplicate = events.labelValues("duplicate");
        refused = events.labelValues("refused");
        ignored = events.labelValues("ignored");
        deliveryCounter = Counter.builder().name("portcullis_okta_event_deliveries")
                .help("Requests to the Okta Event Hook receiver by the reason code they were answered with")
                .labelNames("reason").register(registry);
        GaugeWithCallback.builder().name("portcullis_okta_events_queued")
                .help("Directory events taken and not yet applied")
                .callback(cb -> cb.call(queued.getAsInt())).register(registry);
    }

    /** A request to the receiver was answered with {@code reason}. */
    public void delivery(Reason reason) {
        CounterDataPoint p = deliveries[reason.ordinal()];
        if (p == null) { // a benign race: labelValues returns the same data point
            p = deliveryCounter.labelValues(reason.code());
            deliveries[reason.ordinal()] = p;
        }
        p.inc();
    }

    public void ignored(int n) {
        ignored.inc(n);
    }

    @Override
    public void received(int n) {
        received.inc(n);
    }

    @Override
    public void duplicate(int n) {
        duplicate.inc(n);
    }

    @Override
    public void refused(int n) {
        refused.inc(n);
    }

    @Override
    public void applied() {
        applied.inc();
    }
}
