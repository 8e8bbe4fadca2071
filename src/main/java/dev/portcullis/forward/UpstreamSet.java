package dev.portcullis.forward;

import dev.portcullis.config.OutlierConfig;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * A route's upstream list as the proxy uses it: which upstream the next request goes to
 * ({@code round_robin}, or {@code least_request}: the less busy of two picked at random), which
 * ones are out of the rotation (ejected after failures in a row, or failed by health checks), and
 * the failures and successes that decide it. Immutable but for the shared {@link UpstreamHealth}
 * of its members; safe on every event loop.
 *
 * <p>A list never refuses traffic for being unhealthy: with one upstream, or when every upstream
 * is out, requests go to them all the same (an upstream that may answer beats a certain 502).
 */
public final class UpstreamSet {
    /** One upstream of the list with its shared state and its metric label. */
    public record Member(Upstream upstream, UpstreamHealth health, String label) {
    }

    private final Member[] members;
    private final boolean leastRequest;
    private final OutlierConfig outlier;
    private final long baseNanos;
    private final long maxNanos;
    private final UpstreamEvents events;
    private final LongSupplier clock;
    private final AtomicInteger next = new AtomicInteger();

    /**
     * @param outlier resolved (all members set); {@code consecutive_failures: 0} never ejects
     * @param clock   {@code System.nanoTime()} in the proxy
     */
    public UpstreamSet(List<Member> members, boolean leastRequest, OutlierConfig outlier, UpstreamEvents events,
            LongSupplier clock) {
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a route needs an upstream");
        }
        this.members = members.toArray(Member[]::new);
        this.leastRequest = leastRequest;
        this.outlier = Objects.requireNonNull(outlier, "outlier");
        this.baseNanos = outlier.baseEjection().toNanos();
        this.maxNanos = Math.max(outlier.maxEjection().toNanos(), baseNanos);
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public List<Member> members() {
        return List.of(members);
    }

    public boolean leastRequest() {
        return leastRequest;
    }

    public UpstreamEvents events() {
        return events;
    }

    /**
     * The upstream for the next attempt, other than {@code avoid} when there is another (null: any).
     * In the rotation when one is; otherwise the list's fallback: all of them, round-robin.
     */
    public Member pick(Member avoid) {
        if (members.length == 1) {
            return members[0];
        }
        long now = clock.getAsLong();
        int start = next.getAndIncrement();
        Member m = leastRequest ? leastRequest(avoid, now, start) : roundRobin(avoid, now, start, true);
        return m != null ? m : roundRobin(avoid, now, start, false);
    }

    private Member roundRobin(Member avoid, long now, int start, boolean inRotationOnly) {
        for (int i = 0; i < members.length; i++) {
            Member m = members[Math.floorMod(start + i, members.length)];
            if (m != avoid && (!inRotationOnly || m.health().inRotation(now))) {
                return m;
            }
        }
        return null;
    }

    /** Power of two choices: two distinct members at random, the one with fewer requests in flight. */
    private Member leastRequest(Member avoid, long now, int start) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = random.nextInt(members.length);
        int b = random.nextInt(members.length - 1);
        if (b >= a) {
            b++;
        }
        Member first = eligible(members[a], avoid, now);
        Member second = eligible(members[b], avoid, now);
        if (first == null || second == null) {
            return first != null ? first : second != null ? second : roundRobin(avoid, now, start, true);
        }
        return second.health().inFlight() < first.health().inFlight() ? second : first;
    }

    private static Member eligible(Member m, Member avoid, long now) {
        return m != avoid && m.health().inRotation(now) ? m : null;
    }

    /** An exchange starts on {@code m}: it counts as in flight until {@link #finished}. */
    public void started(Member m) {
        m.health().started();
    }

    public void finished(Member m) {
        m.health().finished();
    }

    /** {@code m} answered below 500. */
    public void succeeded(Member m) {
        m.health().succeeded();
    }

    /** An attempt at {@code m} failed; enough in a row eject it, within the list's bounds. */
    public void failed(Member m, UpstreamEvents.Failure kind) {
        events.failed(m.label(), kind);
        int threshold = outlier.consecutiveFailures();
        if (threshold > 0 && members.length > 1 && m.health().failed() >= threshold) {
            eject(m);
        }
    }

    /**
     * Ejects {@code m} unless it is out already, it is the last one in, or one more out would pass
     * {@code max_ejected_percent} (one may always be). Rare: under the set's monitor, so two loops
     * cannot both take the last ones out.
     */
    private synchronized void eject(Member m) {
        long now = clock.getAsLong();
        if (m.health().ejected(now)) {
            return;
        }
        int out = 0;
        for (Member o : members) {
            if (o != m && o.health().ejected(now)) {
                out++;
            }
        }
        boolean lastIn = out + 1 >= members.length;
        boolean overShare = out > 0 && (out + 1) * 100 > outlier.maxEjectedPercent() * members.length;
        if (lastIn || overShare) {
            return;
        }
        m.health().eject(now, baseNanos, maxNanos);
        events.ejected(m.label());
    }

    /** Whether {@code m} is in the rotation now (for /readyz and the up gauge). */
    public boolean inRotation(Member m) {
        return m.health().inRotation(clock.getAsLong());
    }

    /** Whether {@code m} is ejected now. */
    public boolean ejected(Member m) {
        return m.health().ejected(clock.getAsLong());
    }

    /** The label an upstream is known by in metrics and /readyz: its scheme, host and port. */
    public static String label(Upstream u) {
        int hash = u.key().indexOf('#');
        return hash < 0 ? u.key() : u.key().substring(0, hash);
    }
}
