package dev.portcullis.observe;

import dev.portcullis.forward.UpstreamEvents;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The metrics of each route's upstreams: in the rotation or not, ejections, failures by kind, and
 * retries. Labels come from the config (route ids and upstream URLs), so their number is bounded.
 */
public final class UpstreamMetrics {
    /** Reports, at each scrape, whether each upstream of each route is in the rotation. */
    public interface UpSource {
        void each(UpSink sink);
    }

    public interface UpSink {
        void up(String route, String upstream, boolean up);
    }

    private final Counter ejections;
    private final Counter failures;
    private final Counter retries;
    private volatile UpSource up = sink -> { };

    UpstreamMetrics(PrometheusRegistry registry) {
        ejections = Counter.builder().name("portcullis_upstream_ejections")
                .help("Upstreams taken out of a route's rotation after failures in a row (outlier_detection)")
                .labelNames("route", "upstream").register(registry);
        failures = Counter.builder().name("portcullis_upstream_failures")
                .help("Failed attempts by route, upstream and kind (connect, timeout, reset, 5xx), retried or not")
                .labelNames("route", "upstream", "kind").register(registry);
        retries = Counter.builder().name("portcullis_upstream_retries")
                .help("Requests sent a second time, to another upstream when the route has one (retry: once)")
                .labelNames("route").register(registry);
        GaugeWithCallback.builder().name("portcullis_upstream_up")
                .help("1 while an upstream is in its route's rotation (not ejected, not failed by health checks)")
                .labelNames("route", "upstream")
                .callback(cb -> up.each((route, upstream, isUp) -> cb.call(isUp ? 1 : 0, route, upstream)))
                .register(registry);
    }

    /** Where {@code portcullis_upstream_up} is read from (the published snapshot's routes). */
    public void upSource(UpSource source) {
        this.up = source;
    }

    /** The events of one route's upstreams, counted. */
    public UpstreamEvents forRoute(String routeId) {
        CounterDataPoint retried = retries.labelValues(routeId);
        return new UpstreamEvents() {
            @Override
            public void failed(String upstream, Failure kind) {
                failures.labelValues(routeId, upstream, kind.code()).inc(); // rare: no handle cache
            }

            @Override
            public void ejected(String upstream) {
                ejections.labelValues(routeId, upstream).inc();
            }

            @Override
            public void retried() {
                retried.inc();
            }
        };
    }
}
