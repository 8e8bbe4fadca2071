package dev.portcullis.observe;

import dev.portcullis.vocab.Reason;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import dev.portcullis.detect.IntrusionListener;
import io.prometheus.metrics.core.metrics.Gauge;
import java.util.function.IntSupplier;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * Every metric Portcullis exports, registered once. Request-path code holds pre-resolved data
 * points ({@link RouteMetrics}) so that counting a request is an array read and an add.
 */
public final class Metrics {
    private static final double[] LATENCY_BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
        0.5, 1, 2.5, 5, 10, 30};

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests = Counter.builder().name("portcullis_requests")
            .help("Requests by route, decision (allow, deny, error), reason code and the class of the status"
                    + " answered (1xx-5xx; other)")
            .labelNames("route", "method", "decision", "reason", "status_class").register(registry);
    private final Histogram overhead = Histogram.builder().name("portcullis_proxy_overhead_seconds")
            .help("Portcullis's own time per request: from the request's headers to the upstream being contacted"
                    + " (forwarded requests) or to the answer (refusals)")
            .classicOnly().classicUpperBounds(0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                    0.05, 0.1, 0.5, 1, 5).register(registry);
    private final Counter tokenCache = Counter.builder().name("portcullis_token_cache_requests")
            .help("Verified-token cache lookups by result (hit, miss)").labelNames("result").register(registry);
    private final Counter upstreamConnects = Counter.builder().name("portcullis_upstream_connections_opened")
            .help("New upstream connections (pooled keep-alive connections are reused)").register(registry);
    private final Histogram latency = Histogram.builder().name("portcullis_request_duration_seconds")
            .help("Time from the request's headers to the end of the response, by route")
            .classicOnly().classicUpperBounds(LATENCY_BUCKETS).labelNames("route").register(registry);
    private final Histogram upstreamResponse = Histogram.builder().name("portcullis_upstream_response_seconds")
            .help("Time from the request head written to the upstream to its response head, by route")
            .classicOnly().classicUpperBounds(LATENCY_BUCKETS).withoutExemplars().labelNames("route")
            .register(registry);
    private final Counter jwksFetches = Counter.builder().name("portcullis_jwks_fetches")
            .help("Key set fetches by issuer and result (success, failure)")
            .labelNames("issuer", "result").register(registry);
    private final Gauge jwksKeys = Gauge.builder().name("portcullis_jwks_keys")
            .help("Signing keys held per issuer").labelNames("issuer").register(registry);
    private final Gauge jwksLastSuccess = Gauge.builder().name("portcullis_jwks_last_success_timestamp_seconds")
            .help("When the issuer's keys were last fetched successfully").labelNames("issuer").register(registry);
    private final Counter dryRun = Counter.builder().name("portcullis_dry_run_decisions")
            .help("mode: audit outcomes that differ from what was enforced, by route and would-be reason")
            .labelNames("route", "would_reason").register(registry);
    private final Counter upstreamErrors = Counter.builder().name("portcullis_upstream_errors")
            .help("Upstream failures by route and kind (connect, timeout, reset)")
            .labelNames("route", "kind").register(registry);
    private final Counter auditDropped = Counter.builder().name("portcullis_audit_dropped")
            .help("Audit lines dropped because the writer's queue was full").register(registry);
    private final Counter reloads = Counter.builder().name("portcullis_config_reloads")
            .help("Config reloads that went live").register(registry);
    private final Counter reloadFailures = Counter.builder().name("portcullis_config_reload_failures")
            .help("Config reloads refused (invalid file, keys of a new issuer not loadable); the old config stays")
            .register(registry);
    private final Info configInfo = Info.builder().name("portcullis_config")
            .help("The running config, by the sha256 of its files").labelNames("sha256").register(registry);
    private final Gauge configLoadedAt = Gauge.builder().name("portcullis_config_loaded_timestamp_seconds")
            .help("When the running config went live").register(registry);
    private String configHash;
    private final UpstreamMetrics upstreams = new UpstreamMetrics(registry);
    private final OverlayMetrics overlay = new OverlayMetrics(registry);
    private final WebSocketMetrics websocket = new WebSocketMetrics(registry);
    private final Http2Metrics http2 = new Http2Metrics(registry);
    private final Gauge connections = Gauge.builder().name("portcullis_client_connections")
            .help("Client connections open now").register(registry);

    private final Counter clientTimeouts = Counter.builder().name("portcullis_client_timeouts")
            .help("Connections cut because the client was too slow, by listener (proxy, admin) and kind (header,"
                    + " body, response_write)")
            .labelNames("listener", "kind").register(registry);
    private final CounterDataPoint[] clientTimeoutPoints = {clientTimeouts.labelValues("proxy", "header"),
        clientTimeouts.labelValues("proxy", "body"), clientTimeouts.labelValues("proxy", "response_write"),
        clientTimeouts.labelValues("admin", "header")};

    /** What a client was too slow with; the ordinal picks the pre-resolved counter. */
    public enum ClientTimeout { HEADER, BODY, RESPONSE_WRITE, ADMIN_HEADER }

    /** Counts a connection cut because its client was too slow. */
    public void clientTimeout(ClientTimeout kind) {
        clientTimeoutPoints[kind.ordinal()].inc();
    }

    private final io.prometheus.metrics.core.datapoints.CounterDataPoint cacheHit = tokenCache.labelValues("hit");
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint cacheMiss = tokenCache.labelValues("miss");
    private final DistributionDataPoint overheadPoint = overhead.labelValues();

    /** Counts token cache lookups. */
    public dev.portcullis.authn.CacheCounter tokenCacheCounter() {
        return new dev.portcullis.authn.CacheCounter() {
            @Override
            public void hit() {
                cacheHit.inc();
            }

            @Override
            public void miss() {
                cacheMiss.inc();
            }
        };
    }

    /** The proxy's own part of a request's time. */
    public void overhead(long nanos) {
        overheadPoint.observe(nanos / 1e9);
    }

    public void upstreamConnectionOpened() {
        upstreamConnects.inc();
    }

    private final IntrusionMetrics intrusion = new IntrusionMetrics(registry);

    /** Counts intrusion events (an array read and an add on the request thread) and webhook outcomes. */
    public IntrusionListener intrusionListener() {
        return intrusion.listener();
    }

    /** Registers {@code portcullis_blocked_sources}, read from {@code blocked} at each scrape. */
    public void blockedSources(IntSupplier blocked) {
        intrusion.blockedSources(blocked);
    }

    /** The membership overlay's metrics. */
    public OverlayMetrics overlay() {
        return overlay;
    }

    /** The metrics of each route's upstreams. */
    public UpstreamMetrics upstreams() {
        return upstreams;
    }

    private final DirectoryMetrics directory = new DirectoryMetrics(registry);

    /** The Okta directory client's calls, group-cache lookups and rate-limit waits. */
    public DirectoryMetrics directory() {
        return directory;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Adds the Prometheus client's standard JVM and process metrics ({@code jvm_*}, {@code process_*}). */
    public Metrics withJvmMetrics() {
        JvmCollectors.addTo(registry);
        return this;
    }

    /** 0 read, 1 write, 2 other; see {@link RouteMetrics#record}. */
    public static int methodClass(String method) {
        switch (method) {
            case "GET": case "HEAD": case "OPTIONS": return 0;
            case "POST": case "PUT": case "PATCH": case "DELETE": return 1;
            default: return 2;
        }
    }

    /** Pre-resolved data points for one route (or {@code -} for requests that matched none). */
    public RouteMetrics forRoute(String routeId) {
        return new RouteMetrics(routeId);
    }

    public void jwksFetched(String issuerId, boolean success, int keyCount) {
        jwksFetches.labelValues(issuerId, success ? "success" : "failure").inc();
        jwksKeys.labelValues(issuerId).set(keyCount);
        if (success) {
            jwksLastSuccess.labelValues(issuerId).set(System.currentTimeMillis() / 1000.0);
        }
    }

    /** Records a config load: the hash of a config that went live, or a refused reload (hash null). */
    public synchronized void configLoaded(String hash, boolean success) {
        if (!success) {
            reloadFailures.inc();
            return;
        }
        if (configHash != null) {
            reloads.inc();
        }
        configHash = hash;
        configInfo.setLabelValues(hash);
        configLoadedAt.set(System.currentTimeMillis() / 1000.0);
    }

    public void auditDropped(long n) {
        auditDropped.inc(n);
    }

    public void connectionOpened() {
        connections.inc();
    }

    public void connectionClosed() {
        connections.dec();
    }

    /**
     * Counting handles of one route, all created on the route's first request: unused label sets
     * stay unexported, and a large config whose routes mostly sleep does not pay a latency
     * histogram (sixteen buckets, the bulk of a route's memory) for each of them.
     */
    public final class RouteMetrics {
        private final String routeId;
        private final RequestCounts counts;
        // Benign races below: labelValues returns the same handle for the same labels, so a lost
        // write costs a second lookup, never a count. Volatile, so a handle is seen fully built.
        private volatile DistributionDataPoint latencyPoint;
        private volatile DistributionDataPoint upstreamResponsePoint;
        private volatile CounterDataPoint connectErrors;
        private volatile CounterDataPoint timeoutErrors;
        private volatile CounterDataPoint resetErrors;

        private RouteMetrics(String routeId) {
            this.routeId = routeId;
            this.counts = new RequestCounts(requests, routeId);
        }

        /**
         * @param methodClass 0 read (GET, HEAD, OPTIONS), 1 write (POST, PUT, PATCH, DELETE), 2 other
         * @param status      the status answered, or the one the audit line records when the exchange was cut
         */
        public void record(Reason reason, int methodClass, int status, long nanos) {
            counts.inc(reason, methodClass, status);
            DistributionDataPoint l = latencyPoint;
            if (l == null) {
                l = latency.labelValues(routeId);
                latencyPoint = l;
            }
            l.observe(nanos / 1e9);
        }

        /** The upstream's response head came {@code nanos} after the request head was written to it. */
        public void upstreamResponded(long nanos) {
            DistributionDataPoint p = upstreamResponsePoint;
            if (p == null) {
                p = upstreamResponse.labelValues(routeId);
                upstreamResponsePoint = p;
            }
            p.observe(nanos / 1e9);
        }

        /** A {@code mode: audit} outcome that differs from the enforced one (rare: no handle cache). */
        public void dryRun(Reason would) {
            dryRun.labelValues(routeId, would.code()).inc();
        }

        public void upstreamError(Reason reason) {
            if (reason == Reason.UPSTREAM_TIMEOUT) {
                if (timeoutErrors == null) {
                    timeoutErrors = upstreamErrors.labelValues(routeId, "timeout");
                }
                timeoutErrors.inc();
            } else if (reason == Reason.UPSTREAM_UNAVAILABLE) {
                if (connectErrors == null) {
                    connectErrors = upstreamErrors.labelValues(routeId, "connect");
                }
                connectErrors.inc();
            } else {
                if (resetErrors == null) {
                    resetErrors = upstreamErrors.labelValues(routeId, "reset");
                }
                resetErrors.inc();
            }
        }
    }

    /** The WebSocket tunnels' metrics. */
    public WebSocketMetrics websocket() {
        return websocket;
    }

    public Http2Metrics http2() {
        return http2;
    }
}
