package dev.portcullis.compile;

import dev.portcullis.forward.Upstream;
import dev.portcullis.observe.Metrics.RouteMetrics;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The target half of a compiled route: where and how its requests are forwarded (upstreams used
 * round-robin with their TLS contexts, timeouts, the Host and Authorization headers sent on) and
 * the route's metric handles. The proxy's alone; the policy tools never build one.
 */
public final class RouteTarget {
    private final List<Upstream> upstreams;
    private final boolean forwardToken;
    private final boolean preserveHost;
    private final int connectTimeoutMillis;
    private final long responseTimeoutMillis;
    private final RouteMetrics metrics;
    private final AtomicInteger next = new AtomicInteger();

    public RouteTarget(List<Upstream> upstreams, boolean forwardToken, boolean preserveHost, int connectTimeoutMillis,
            long responseTimeoutMillis, RouteMetrics metrics) {
        this.upstreams = List.copyOf(upstreams);
        this.forwardToken = forwardToken;
        this.preserveHost = preserveHost;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.responseTimeoutMillis = responseTimeoutMillis;
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    public List<Upstream> upstreams() {
        return upstreams;
    }

    /** The next upstream, round-robin. */
    public Upstream nextUpstream() {
        if (upstreams.size() == 1) {
            return upstreams.get(0);
        }
        return upstreams.get(Math.floorMod(next.getAndIncrement(), upstreams.size()));
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
