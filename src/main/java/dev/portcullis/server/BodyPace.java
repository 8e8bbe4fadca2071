package dev.portcullis.server;

/**
 * The pace of one request body, as the client sends it: how long the proxy has been waiting for
 * the next bytes ({@code body_read_timeout}) and, optionally, whether the body so far arrives at
 * {@code body_min_rate} or better. Only time spent waiting for the client counts: while the proxy
 * holds off reading because the upstream cannot take more, the clock stands still, so a slow
 * upstream never makes its client look slow. Plain arithmetic on {@code System.nanoTime()}
 * values handed in; no Netty, no clock of its own.
 */
final class BodyPace {
    /** No deadline: the body is not being waited for. */
    static final long NONE = Long.MAX_VALUE;

    private long gapNanos;
    private long minBytesPerSecond;
    private boolean active;
    private long waitingSince = -1;
    private long waitedNanos;
    private long bytes;

    /** A body starts to be forwarded. */
    void start(long gapNanos, long minBytesPerSecond) {
        this.gapNanos = gapNanos;
        this.minBytesPerSecond = minBytesPerSecond;
        active = true;
        waitingSince = -1;
        waitedNanos = 0;
        bytes = 0;
    }

    /** The body is complete, or its exchange ended: nothing more is waited for. */
    void stop() {
        active = false;
        waitingSince = -1;
    }

    /** The proxy asked the client's socket for more body; the clock runs from the first such request. */
    void demanded(long now) {
        if (active && waitingSince < 0) {
            waitingSince = now;
        }
    }

    /**
     * Body bytes arrived.
     *
     * @return false when the body so far, over the time spent waiting for it, is slower than
     *         {@code body_min_rate} and has already taken more than {@code body_read_timeout}
     */
    boolean received(long n, long now) {
        if (!active) {
            return true;
        }
        if (waitingSince >= 0) {
            waitedNanos += now - waitingSince;
            waitingSince = -1;
        }
        bytes += n;
        // The rate is judged only after a grace of one gap: a body's first bytes prove little.
        return minBytesPerSecond <= 0 || waitedNanos <= gapNanos
                || bytes * 1_000_000_000.0 / waitedNanos >= minBytesPerSecond;
    }

    /** When the wait for the next bytes runs out, or {@link #NONE} when nothing is waited for. */
    long deadline() {
        return active && waitingSince >= 0 ? waitingSince + gapNanos : NONE;
    }

    /** Whether the proxy has waited {@code body_read_timeout} or longer for the next bytes at {@code now}. */
    boolean expired(long now) {
        return active && waitingSince >= 0 && now - waitingSince >= gapNanos;
    }
}
