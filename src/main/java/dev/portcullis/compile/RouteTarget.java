package dev.portcullis.compile;

import dev.portcullis.config.HealthCheckConfig;
import dev.portcullis.forward.Upstream;
import dev.portcullis.forward.UpstreamSet;
import dev.portcullis.observe.Metrics.RouteMetrics;
import java.util.List;
import java.util.Objects;

/**
 * The target half of a compiled route: where and how its requests are forwarded (its
 * {@link UpstreamSet}: upstreams with their TLS contexts, balancing and ejection; whether a failed
 * attempt is retried; its health check; timeouts; the Host and Authorization headers sent on) and
 * the route's metric handles. The proxy's alone; the policy tools never build one.
 */
public final class RouteTarget {
    private final List<Upstream> upstreams;
    private final UpstreamSet upstreamSet;
    private final boolean retry;
    private final HealthCheckConfig healthCheck;
    private final boolean forwardToken;
    private final boolean preserveHost;
    private final int connectTimeoutMillis;
    private final long responseTimeoutMillis;
    private final RouteMetrics metrics;
    private final dev.portcullis.config.WebSocketConfig websocket;

    /**
     * @param retry       {@code retry: once}
     * @param healthCheck the route's {@code health_check}, or null
     */
    public RouteTarget(UpstreamSet upstreamSet, boolean retry, HealthCheckConfig healthCheck, boolean forwardToken,
            boolean preserveHost, int connectTimeoutMillis, long responseTimeoutMillis, RouteMetrics metrics) {
        this(upstreamSet, retry, healthCheck, forwardToken, preserveHost, connectTimeoutMillis, responseTimeoutMillis,
                metrics, dev.portcullis.config.WebSocketConfig.DISABLED);
    }

    /** @param websocket the route's {@code websocket}: whether upgrades go through, and the tunnel's bounds */
    public RouteTarget(UpstreamSet upstreamSet, boolean retry, HealthCheckConfig healthCheck, boolean forwardToken,
            boolean preserveHost, int connectTimeoutMillis, long responseTimeoutMillis, RouteMetrics metrics,
            dev.portcullis.config.WebSocketConfig websocket) {
        this.websocket = Objects.requireNonNull(websocket, "websocket");
        this.upstreamSet = Objects.requireNonNull(upstreamSet, "upstreamSet");
        this.upstreams = upstreamSet.members().stream().map(UpstreamSet.Member::upstream).toList();
        this.retry = retry;
        this.healthCheck = healthCheck;
        this.forwardToken = forwardToken;
        this.preserveHost = preserveHost;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.responseTimeoutMillis = responseTimeoutMillis;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The route's {@code websocket}: {@link dev.portcullis.config.WebSocketConfig#DISABLED} unless it enables upgrades. */
    public dev.portcullis.config.WebSocketConfig websocket() {
        return websocket;
    }

    public List<Upstream> upstreams() {
        return upstreams;
    }

    /** The upstreams with their state: which one the next attempt goes to, and what failed. */
    public UpstreamSet upstreamSet() {
        return upstreamSet;
    }

    /** The next upstream, as the route balances them. */
    public Upstream nextUpstream() {
        return upstreamSet.pick(null).upstream();
    }

    /** {@code retry: once}: an attempt that failed before the upstream could have acted on it is made once more. */
    public boolean retry() {
        return retry;
    }

    /** {@code health_check}, or null when the route has none. */
    public HealthCheckConfig healthCheck() {
        return healthCheck;
    }

    /** {@code forward_token}: whether the client's Authorization header reaches the upstream. */
    public boolean forwardToken() {
        return forwardToken;
    }

    /** {@code preserve_host}: the client's Host header goes upstream instead of the upstream's. */
    public boolean preserveHost() {
        return preserveHost;
    }

    public int connectTimeoutMillis() {
        return connectTimeoutMillis;
    }

    public long responseTimeoutMillis() {
        return responseTimeoutMillis;
    }

    public RouteMetrics metrics() {
        return metrics;
    }
}
