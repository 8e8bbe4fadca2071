package dev.portcullis.server;

import dev.portcullis.compile.Snapshot;
import dev.portcullis.detect.Detection;
import dev.portcullis.forward.UpstreamPool;
import dev.portcullis.membership.MembershipCheck;
import dev.portcullis.observe.AuditLog;
import dev.portcullis.observe.Metrics;
import dev.portcullis.observe.Tracing;
import io.netty.channel.EventLoop;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every connection shares: the current policy snapshot (swapped atomically on reload),
 * the audit log, metrics, and the per-loop upstream pools.
 */
public final class Gate {
    private final AtomicReference<Snapshot> snapshot;
    private final AuditLog audit;
    private final Metrics metrics;
    private final Transport transport;
    private final ConcurrentHashMap<EventLoop, UpstreamPool> pools = new ConcurrentHashMap<>();
    /** Pool keys of the published snapshot's upstreams: connections under any other key are retired. */
    private volatile Set<String> upstreamKeys;
    private final String idPrefix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 40, 1L << 45), 36);
    private final AtomicLong ids = new AtomicLong();

    private final Tracing tracing;
    private final Drain drain = new Drain();

    public Gate(Snapshot initial, AuditLog audit, Metrics metrics, Transport transport) {
        this(initial, audit, metrics, transport, null);
    }

    /** @param tracing span export, or null when it is off */
    public Gate(Snapshot initial, AuditLog audit, Metrics metrics, Transport transport, Tracing tracing) {
        this.tracing = tracing;
        this.snapshot = new AtomicReference<>(initial);
        this.upstreamKeys = upstreamKeys(initial);
        this.audit = audit;
        this.metrics = metrics;
        this.transport = transport;
    }

    public Snapshot snapshot() {
        return snapshot.get();
    }

    /**
     * Publishes a new policy; requests already in flight keep the one they started with. Pooled
     * upstream connections whose key (address and TLS identity) the new policy does not have are
     * closed: idle ones now, leased ones when they are released.
     */
    public void publish(Snapshot next) {
        upstreamKeys = upstreamKeys(next);
        snapshot.set(next);
        pools.values().forEach(UpstreamPool::retire);
        if (sessions != null) {
            sessions.configure(dev.portcullis.session.SessionSettings.of(next.config())); // a reload keeps sessions
        }
        published.accept(next);
    }

    /** Told of each published snapshot (the health checks); nothing until set. */
    private volatile java.util.function.Consumer<Snapshot> published = s -> { };

    void onPublish(java.util.function.Consumer<Snapshot> listener) {
        published = listener;
    }

    private static Set<String> upstreamKeys(Snapshot s) {
        Set<String> keys = new HashSet<>();
        s.routeList().forEach(r -> r.upstreams().forEach(u -> keys.add(u.key())));
        return Set.copyOf(keys);
    }

    /** Browser sessions: started at the callback, ended at sign-out; null unless a route has {@code login: browser}. */
    private volatile dev.portcullis.session.Sessions sessions;

    public dev.portcullis.session.Sessions sessions() {
        return sessions;
    }

    void sessions(dev.portcullis.session.Sessions s) {
        sessions = s;
    }

    /** The session cookie of the running listener, or null while sessions are off. */
    private volatile dev.portcullis.session.SessionCookie sessionCookie;

    dev.portcullis.session.SessionCookie sessionCookie() {
        return sessionCookie;
    }

    void sessionCookie(dev.portcullis.session.SessionCookie c) {
        sessionCookie = c;
    }

    /** The request path's view of the sessions: {@link dev.portcullis.session.SessionCheck#OFF} while they are off. */
    dev.portcullis.session.SessionCheck sessionCheck() {
        dev.portcullis.session.Sessions s = sessions;
        return s == null ? dev.portcullis.session.SessionCheck.OFF : s;
    }

    /** Starts browsers' sign-ins; null unless a route has {@code login: browser}. */
    private volatile SignIn signIn;

    SignIn signIn() {
        return signIn;
    }

    void signIn(SignIn s) {
        signIn = s;
    }

    /** The sign-in flow's callback and sign-out side; null unless a route has {@code login: browser}. */
    private volatile SignInFlow signInFlow;

    SignInFlow signInFlow() {
        return signInFlow;
    }

    void signInFlow(SignInFlow f) {
        signInFlow = f;
    }

    /** The Okta Event Hook receiver's shared side; null in a gate made without one (tests). */
    private volatile OktaHook oktaHook;

    OktaHook oktaHook() {
        return oktaHook;
    }

    void oktaHook(OktaHook hook) {
        this.oktaHook = hook;
    }

    /** Intrusion detection; swapped on reloads that change {@code detection:}. */
    private volatile Detection detection;

    /** The running intrusion detection; read it once per request. */
    public Detection detection() {
        return detection;
    }

    /** Publishes detection for a (re)loaded config, then retires what the previous one does not share. */
    public void publishDetection(Detection next) {
        Detection previous = detection;
        detection = next;
        if (previous != null && previous != next) {
            previous.retire(next);
        }
    }

    /** The membership overlay's request-path check; {@link MembershipCheck#OFF} unless it is configured. */
    private volatile MembershipCheck membership = MembershipCheck.OFF;

    /** The membership overlay's request-path check: read it once per request. */
    public MembershipCheck membership() {
        return membership;
    }

    void membership(MembershipCheck check) {
        membership = java.util.Objects.requireNonNull(check, "check");
    }

    /** The Okta directory client, or null: for {@code /readyz}. */
    private volatile dev.portcullis.directory.Directory directory;

    dev.portcullis.directory.Directory directory() {
        return directory;
    }

    void directory(dev.portcullis.directory.Directory d) {
        directory = d;
    }

    /** The shared state's Redis connection, or null (state in memory): for {@code /readyz}; closed at stop. */
    private volatile dev.portcullis.shared.RedisConnection shared;

    dev.portcullis.shared.RedisConnection shared() {
        return shared;
    }

    void shared(dev.portcullis.shared.RedisConnection c) {
        shared = c;
    }

    /** The fleet's pub/sub bus over {@link #shared()}, or null (state in memory); closed at stop. */
    private volatile dev.portcullis.shared.FleetBus bus;

    dev.portcullis.shared.FleetBus bus() {
        return bus;
    }

    void bus(dev.portcullis.shared.FleetBus b) {
        bus = b;
    }

    /** At stop: ends what outlives the snapshots, detection and the shared state's connection. */
    void closeState() {
        detection().close();
        if (bus != null) {
            bus.close();
        }
        if (shared != null) {
            shared.close();
        }
    }

    /** Span export, or null when {@code tracing.otlp_endpoint} is not set. */
    public Tracing tracing() {
        return tracing;
    }

    public AuditLog audit() {
        return audit;
    }

    public Metrics metrics() {
        return metrics;
    }

    /** The client connections, and whether the proxy is stopping. */
    Drain drain() {
        return drain;
    }

    /** The transport whose channels this process uses (the one {@code server.transport} chose at start). */
    public Transport transport() {
        return transport;
    }

    UpstreamPool pool(EventLoop loop) {
        return pools.computeIfAbsent(loop, l -> new UpstreamPool(l, transport.clientChannel(), () -> upstreamKeys));
    }

    String nextRequestId() {
        return idPrefix + "-" + Long.toString(ids.incrementAndGet(), 36);
    }
}
