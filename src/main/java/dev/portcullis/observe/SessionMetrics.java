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
 * {@code unreachable}), {@code portcullis_sessions_ended_total{reason}} ({@link SessionEnd}) and
 * {@code portcullis_session_fetches_total{result}} ({@code hit}, {@code miss}, {@code error}: reads of
 * session ids unknown here from the fleet's Redis; zero without {@code shared_state.redis}).
 * Registered once, when sessions are on.
 */
public final class SessionMetrics implements SessionEvents {
    private final CounterDataPoint[] refreshes;
    private final CounterDataPoint[] ended;
    private final CounterDataPoint[] fetches;

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
        Counter f = Counter.builder().name("portcullis_session_fetches")
                .help("Session ids unknown to this instance read from the fleet's Redis, by result")
                .labelNames("result").register(registry);
        fetches = new CounterDataPoint[FetchResult.values().length];
        for (FetchResult x : FetchResult.values()) {
            fetches[x.ordinal()] = f.labelValues(x.code());
        }
    }

    @Override
    public void fetched(FetchResult result) {
        fetches[result.ordinal()].inc();
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
