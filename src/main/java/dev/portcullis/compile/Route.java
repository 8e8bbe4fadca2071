package dev.portcullis.compile;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.config.PathPattern;
import dev.portcullis.forward.Upstream;
import dev.portcullis.observe.Metrics.RouteMetrics;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A compiled route: everything the request path needs, resolved at load time.
 */
public final class Route {
    private final String id;
    private final String host;
    private final PathPattern pattern;
    private final AccessPolicy policy;
    private final Set<String> acceptedIssuers;
    private final List<Upstream> upstreams;
    private final boolean forwardToken;
    private final boolean preserveHost;
    private final int connectTimeoutMillis;
    private final long responseTimeoutMillis;
    private final RouteMetrics metrics;
    private final long maxBodySize;
    private final int maxConcurrent;
    private final boolean auditOnly;
    private final boolean methodOverrideAllowed;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();

    public Route(String id, String host, PathPattern pattern, AccessPolicy policy, Set<String> acceptedIssuers,
            List<Upstream> upstreams, boolean forwardToken, boolean preserveHost, int connectTimeoutMillis,
            long responseTimeoutMillis, RouteMetrics metrics, long maxBodySize, int maxConcurrent, boolean auditOnly,
            boolean methodOverrideAllowed) {
        this.auditOnly = auditOnly;
        this.methodOverrideAllowed = methodOverrideAllowed;
        this.maxBodySize = maxBodySize;
        this.maxConcurrent = maxConcurrent;
        this.id = id;
        this.host = host;
        this.pattern = pattern;
        this.policy = policy;
        this.acceptedIssuers = acceptedIssuers == null ? null : Set.copyOf(acceptedIssuers);
        this.upstreams = List.copyOf(upstreams);
        this.forwardToken = forwardToken;
        this.preserveHost = preserveHost;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.responseTimeoutMillis = responseTimeoutMillis;
        this.metrics = metrics;
    }

    public String id() {
        return id;
    }

    /** Canonical host, or null for any. */
    public String host() {
        return host;
    }

    public PathPattern pattern() {
        return pattern;
    }

    public AccessPolicy policy() {
        return policy;
    }

    /** Ids of the issuers whose tokens are accepted here, or null for all of them. */
    public Set<String> acceptedIssuers() {
        return acceptedIssuers;
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

    public boolean forwardToken() {
        return forwardToken;
    }

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

    /** {@code mode: audit}: refusals are logged and counted but not enforced. */
    public boolean auditOnly() {
        return auditOnly;
    }

    /** {@code method_override: allow}: a {@code _method} query parameter is forwarded rather than refused. */
    public boolean methodOverrideAllowed() {
        return methodOverrideAllowed;
    }

    /** Largest request body accepted on this route; 0 means no limit. */
    public long maxBodySize() {
        return maxBodySize;
    }

    /**
     * Takes one of the route's in-flight slots; false when all are taken (the caller answers
     * 503 instead of piling more work on a struggling upstream).
     */
    public boolean tryAcquire() {
        if (maxConcurrent <= 0) {
            return true;
        }
        if (inFlight.incrementAndGet() > maxConcurrent) {
            inFlight.decrementAndGet();
            return false;
        }
        return true;
    }

    public void release() {
        if (maxConcurrent > 0) {
            inFlight.decrementAndGet();
        }
    }
}
