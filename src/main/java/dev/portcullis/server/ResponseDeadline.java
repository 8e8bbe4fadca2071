package dev.portcullis.server;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The upstream's clock ({@code response_timeout}): how long it may take to answer, and the longest
 * gap between the bytes of its body; and how long it took to answer (for the metrics). One timer
 * per client connection, armed lazily and re-armed only when it fires early, so a busy connection
 * does not schedule a task per request. Runs on the connection's event loop.
 */
final class ResponseDeadline {
    private final EventExecutor loop;
    private final Runnable expired;
    private ScheduledFuture<?> timer;
    private long timerAt;
    private long deadlineNanos;
    private long sentNanos;

    /** @param expired run on the loop once a running deadline has passed */
    ResponseDeadline(EventExecutor loop, Runnable expired) {
        this.loop = loop;
        this.expired = expired;
    }

    /** (Re)starts the clock: the upstream has {@code timeoutMillis} from now. */
    void start(long timeoutMillis) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        deadlineNanos = deadline;
        if (timer != null && timerAt - deadline > 0) {
            timer.cancel(false);
            timer = null;
        }
        if (timer == null) {
            arm(deadline);
        }
    }

    /** The request head went out to the upstream: the time it takes to answer starts now. */
    void requestSent() {
        sentNanos = System.nanoTime();
    }

    /** The upstream's response head came: pauses the clock; the nanoseconds since {@link #requestSent}. */
    long headReceived() {
        pause();
        return System.nanoTime() - sentNanos;
    }

    /**
     * Times the upstream's body: the timeout is also the longest gap between its bytes, but only
     * while the client takes them (a client that does not is {@code response_write_timeout}'s).
     */
    void runWhile(boolean clientTakesBytes, long timeoutMillis) {
        if (clientTakesBytes) {
            start(timeoutMillis);
        } else {
            pause();
        }
    }

    /** Stops the clock until the next {@link #start}; the timer stays armed, and finds nothing to do. */
    void pause() {
        deadlineNanos = 0;
    }

    /** The connection closed: the timer will not be needed again. */
    void cancel() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    private void arm(long at) {
        timerAt = at;
        timer = loop.schedule(this::check, at - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void check() {
        timer = null;
        if (deadlineNanos == 0) {
            return;
        }
        if (deadlineNanos - System.nanoTime() > 0) {
            arm(deadlineNanos);
            return;
        }
        expired.run();
    }
}
