package dev.portcullis.observe;

import dev.portcullis.session.SessionEnd;
import dev.portcullis.session.SessionEvents;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;

/**
 * Browser sessions' metrics: {@code portcullis_sessions} (held now),
 * {@code portcullis_session_refreshes_total{outcome}} ({@code refreshed}, {@code refused},
 * {@code unreachable}) and {@code portcullis_sessions_ended_total{reason}} ({@link SessionEnd}).
 * Registered once, when sessions are on.
 */
public final class SessionMetrics implements SessionEvents {
    private final CounterDataPoint[] refreshes;
    private final CounterDataPoint[] ended;

    public SessionMetrics(PrometheusRegistry registry, LongSupplier held) {
        GaugeWithCallback.builder().name("portcullis_sessions").help("Browser sessions held now")
                .callback(cb -> cb.call(held.getAsLong())).register(registry);
        Counter r = Counter.builder().name("portcullis_session_refreshes")
                .help("Session access-token refreshes at the issuer's token endpoint, by outcome")
                .labelNames("outcome").register(registry);
        refreshes = new CounterDataPoint[RefreshOutcome.values().length];
        for (RefreshOutcome o : RefreshOutcome.values()) {
            refreshes[o.ordinal()] = r.labelValues(o.code());
        }
        Counter e = Counter.builder().name("portcullis_sessions_ended")
                .help("Browser sessions ended, by reason").labelNames("reason").register(registry);
        ended = new CounterDataPoint[SessionEnd.values().length];
        for (SessionEnd s : SessionEnd.values()) {
            ended[s.ordinal()] = e.labelValues(s.code());
        }
    }

    @Override
    public void refreshed(RefreshOutcome outcome) {
        refreshes[outcome.ordinal()].inc();
    }

    @Override
    public void ended(SessionEnd reason, int count) {
        ended[reason.ordinal()].inc(count);
    }
}
