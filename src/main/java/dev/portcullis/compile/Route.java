package dev.portcullis.compile;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.config.PathPattern;
import dev.portcullis.decide.Decider;
import dev.portcullis.forward.Upstream;
import dev.portcullis.route.RoutePolicy;
import dev.portcullis.route.RouteSlots;
import dev.portcullis.observe.Metrics.RouteMetrics;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A compiled route as the proxy runs it: its {@link RoutePolicy} (what it matches, who may pass,
 * its limits), its {@link RouteTarget} (where requests go) and the in-flight counter of its id,
 * which lives outside the snapshot ({@link RouteSlots}) so that it outlives a reload. The methods
 * below delegate to the three.
 */
public final class Route {
    /** The decision core over the proxy's compiled routes: the one the proxy, its tests and benchmarks use. */
    public static final Decider<Route> DECIDER = new Decider<>(Route::routePolicy);

    private final RoutePolicy policy;
    private final RouteTarget target;
    private final RouteSlots.InFlight inFlight;

    public Route(RoutePolicy policy, RouteTarget target, RouteSlots.InFlight inFlight) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.target = Objects.requireNonNull(target, "target");
        this.inFlight = Objects.requireNonNull(inFlight, "inFlight");
    }

    /** The policy half: match, access rules, accepted issuers, audit mode and limits. */
    public RoutePolicy routePolicy() {
        return policy;
    }

    /** The target half: upstreams, timeouts, TLS and metrics. */
    public RouteTarget target() {
        return target;
    }

    /** The route's {@code websocket} (see {@link RouteTarget#websocket}). */
    public dev.portcullis.config.WebSocketConfig websocket() {
        return target.websocket();
    }

    public String id() {
        return policy.id();
    }

    /** Canonical host, or null for any. */
    public String host() {
        return policy.host();
    }

    public PathPattern pattern() {
        return policy.pattern();
    }

    public AccessPolicy policy() {
        return policy.access();
    }

    /** Ids of the issuers whose tokens are accepted here, or null for all of them. */
    public Set<String> acceptedIssuers() {
        return policy.acceptedIssuers();
    }

    /** {@code mode: audit}: refusals are logged and counted but not enforced. */
    public boolean auditOnly() {
        return policy.auditOnly();
    }

    /** {@code method_override: allow}: a {@code _method} query parameter is forwarded rather than refused. */
    public boolean methodOverrideAllowed() {
        return policy.methodOverrideAllowed();
    }

    /** Largest request body accepted on this route; 0 means no limit. */
    public long maxBodySize() {
        return policy.maxBodySize();
    }

    public List<Upstream> upstreams() {
        return target.upstreams();
    }

    /** The next upstream, as the route balances them. */
    public Upstream nextUpstream() {
        return target.nextUpstream();
    }

    public boolean forwardToken() {
        return target.forwardToken();
    }

    public boolean preserveHost() {
        return target.preserveHost();
    }

    public int connectTimeoutMillis() {
        return target.connectTimeoutMillis();
    }

    public long responseTimeoutMillis() {
        return target.responseTimeoutMillis();
    }

    public RouteMetrics metrics() {
        return target.metrics();
    }

    /**
     * Takes one of the route's in-flight slots; false when all are taken (the caller answers
     * 503 instead of piling more work on a struggling upstream). The count is the route id's,
     * shared with the same route in earlier snapshots: requests admitted before a reload count.
     */
    public boolean tryAcquire() {
        int max = policy.maxConcurrentRequests();
        return max <= 0 || inFlight.tryAcquire(max);
    }

    /** Gives back the slot {@link #tryAcquire} took (a no-op on a route without a limit, which took none). */
    public void release() {
        if (policy.maxConcurrentRequests() > 0) {
            inFlight.release();
        }
    }
}
