package dev.portcullis.observe;

import dev.portcullis.directory.DirectoryListener;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The Okta directory client's metrics: calls by outcome, group-cache lookups by result, and
 * calls held back by Okta's rate limit. Every series is created up front (the label values are a
 * closed set), so the hot path only increments.
 */
public final class DirectoryMetrics implements DirectoryListener {
    private final CounterDataPoint[] calls = new CounterDataPoint[Outcome.values().length];
    private final CounterDataPoint hit;
    private final CounterDataPoint miss;
    private final CounterDataPoint waits;

    DirectoryMetrics(PrometheusRegistry registry) {
        Counter c = Counter.builder().name("portcullis_directory_calls")
                .help("HTTP calls to the Okta org (Users API pages, token endpoint) by outcome (ok, unauthorized,"
                        + " unreachable, rate_limited, error)")
                .labelNames("outcome").register(registry);
        for (Outcome o : Outcome.values()) {
            calls[o.ordinal()] = c.labelValues(o.code());
        }
        Counter lookups = Counter.builder().name("portcullis_directory_cache_requests")
                .help("Lookups of a user's directory groups by result (hit: ready; miss: read or being read)")
                .labelNames("result").register(registry);
        hit = lookups.labelValues("hit");
        miss = lookups.labelValues("miss");
        waits = Counter.builder().name("portcullis_directory_rate_limit_waits")
                .help("Calls to the Okta org held back by its rate limit (none remaining until the reset, or a 429)")
                .register(registry).labelValues();
    }

    @Override
    public void called(Outcome outcome) {
        calls[outcome.ordinal()].inc();
    }

    @Override
    public void cacheLookup(boolean found) {
        (found ? hit : miss).inc();
    }

    @Override
    public void rateLimitWait() {
        waits.inc();
    }
}
