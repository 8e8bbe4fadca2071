package dev.portcullis.forward;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the proxy knows of one upstream of one route, shared by every event loop and kept across
 * reloads while the route id and the upstream stay ({@link UpstreamStates}): failures in a row, a
 * passive ejection and its end, what active health checks last concluded, and requests in flight.
 * Reads on the request path are volatile reads; counting is one atomic add; ejecting, which is
 * rare, is decided by {@link UpstreamSet} under its monitor. Times are {@code System.nanoTime()}
 * values from an injected clock.
 */
public final class UpstreamHealth {
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean ejected;
    private volatile long ejectedUntil;
    /** When the last ejection ended (seen ended), or {@link Long#MIN_VALUE} when there was none. */
    private volatile long returnedAt = Long.MIN_VALUE;
    /** Ejections in a row (each within max_ejection of the previous return); guarded by the set's monitor. */
    private int level;
    private volatile boolean checkDown;
    private int checkPasses;
    private int checkFailures;

    /** In the rotation at {@code now}: not ejected (or the ejection is over) and not failed by health checks. */
    public boolean inRotation(long now) {
        return !checkDown && !ejected(now);
    }

    /** Ejected at {@code now}; an ejection found over ends here. */
    public boolean ejected(long now) {
        if (!ejected) {
            return false;
        }
        if (now - ejectedUntil < 0) {
            return true;
        }
        ejected = false; // benign race: two loops may both see it end
        returnedAt = now;
        return false;
    }

    /** Whether active health checks last took it out. */
    public boolean checkDown() {
        return checkDown;
    }

    public int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    public int inFlight() {
        return inFlight.get();
    }

    void started() {
        inFlight.incrementAndGet();
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    /** A response below 500: the failures in a row are over (written only when there were some). */
    void succeeded() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /** Counts a failure; returns the failures in a row. */
    int failed() {
        return consecutiveFailures.incrementAndGet();
    }

    /**
     * Ejects until {@code now} plus the back-off: {@code base} doubled for each ejection that
     * followed the previous return within {@code max}, at most {@code max}. Caller holds the set's monitor.
     */
    long eject(long now, long baseNanos, long maxNanos) {
        if (returnedAt != Long.MIN_VALUE && now - returnedAt >= maxNanos) {
            level = 0;
        }
        long backoff = baseNanos;
        for (int i = 0; i < level && backoff < maxNanos; i++) {
            backoff *= 2;
        }
        backoff = Math.min(backoff, maxNanos);
        level = Math.min(level + 1, 62);
        ejectedUntil = now + backoff;
        ejected = true;
        consecutiveFailures.set(0);
        return backoff;
    }

    /**
     * One health check's result; {@code healthy} passes or {@code unhealthy} failures in a row flip
     * it. Returns true when it flipped. Health checks are rare: a monitor is cheap enough.
     */
    synchronized boolean checked(boolean pass, int healthy, int unhealthy) {
        if (pass) {
            checkFailures = 0;
            if (checkDown && ++checkPasses >= healthy) {
                checkDown = false;
                checkPasses = 0;
                return true;
            }
        } else {
            checkPasses = 0;
            if (!checkDown && ++checkFailures >= unhealthy) {
                checkDown = true;
                checkFailures = 0;
                return true;
            }
        }
        return false;
    }

    /** Health checks are off (now): what they concluded no longer counts. */
    public synchronized void checksOff() {
        checkDown = false;
        checkPasses = 0;
        checkFailures = 0;
    }
}
