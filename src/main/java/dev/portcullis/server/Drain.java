package dev.portcullis.server;

import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client connections of the proxy, and how they are drained when it stops:
 * <ol>
 * <li>{@link #draining()} turns true ({@code /readyz} answers 503 {@code draining}); idle keep-alive
 * connections close, and every response from now on carries {@code Connection: close};</li>
 * <li>after the drain delay the listener stops accepting, and connections waiting for a request
 * close (again every {@value #SWEEP_MILLIS} ms, as exchanges end);</li>
 * <li>exchanges in flight finish, streamed bodies included, until the timeout;</li>
 * <li>whatever is still open then is cut: an open exchange ends as {@code shutdown}, with its audit
 * line, through {@link FrontendHandler#end} like any other.</li>
 * </ol>
 * Each connection is acted on from its own event loop. {@link #hurry()} (a second signal) skips
 * what is left of the waits.
 */
final class Drain {
    private static final Logger log = LoggerFactory.getLogger(Drain.class);
    private static final long SWEEP_MILLIS = 100;
    /** How long cut connections get to write their audit line and close before the loops stop. */
    private static final long CUT_GRACE_MILLIS = 2000;

    private final ChannelGroup clients = new DefaultChannelGroup("portcullis-clients", GlobalEventExecutor.INSTANCE);
    private final CountDownLatch hurry = new CountDownLatch(1);
    private volatile boolean draining;

    /** A client connection was accepted; it leaves the group when it closes. */
    void track(Channel ch) {
        clients.add(ch);
    }

    /** True once the proxy has begun to stop. */
    boolean draining() {
        return draining;
    }

    /** Client connections open now. */
    int open() {
        return clients.size();
    }

    /** Ends the waits of {@link #run} now: what is open is cut at once. */
    void hurry() {
        hurry.countDown();
    }

    /**
     * Drains the connections, as the class says, and returns when none is left (or, after the cut,
     * when the grace for cut connections is over).
     *
     * @param stopAccepting closes the listener
     */
    void run(Duration delay, Duration timeout, Runnable stopAccepting) throws InterruptedException {
        draining = true;
        log.info("stopping: /readyz answers 503; the listener stops accepting in {} ms, {} connections open",
                delay.toMillis(), open());
        each(h -> h.drainStarted(false));
        eachHttp2(H2Connection::drainStarted); // GOAWAY: no new streams; those in flight finish
        hurry.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        stopAccepting.run();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (open() > 0 && System.nanoTime() < deadline && hurry.getCount() > 0) {
            each(h -> h.drainStarted(true));
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            hurry.await(Math.max(1, Math.min(SWEEP_MILLIS, left)), TimeUnit.MILLISECONDS);
        }
        if (open() > 0) {
            log.warn("stopping: {} connections still open after shutdown.timeout ({} ms) are cut", open(),
                    timeout.toMillis());
            each(FrontendHandler::shutdownCut);
            eachHttp2(H2Connection::shutdownCut);
            long cutDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CUT_GRACE_MILLIS);
            while (open() > 0 && System.nanoTime() < cutDeadline) {
                Thread.sleep(10);
            }
        }
    }

    /**
     * Sends each open HTTP/2 connection a graceful GOAWAY (its streams in flight finish), so that its
     * client opens a new connection, with the listener's settings of now ({@code reason}: the metric's).
     */
    void goAwayHttp2(String reason) {
        eachHttp2(c -> c.goAway(reason));
    }

    /** Runs {@code action} on each open HTTP/2 connection's handler, on its event loop. */
    private void eachHttp2(Consumer<H2Connection> action) {
        each(H2Connection.class, action);
    }

    /** Runs {@code action} on each open connection's handler (an HTTP/2 stream's too), on its event loop. */
    private void each(Consumer<FrontendHandler> action) {
        each(FrontendHandler.class, action);
    }

    /** Runs {@code action} on the {@code type} handler of each open channel that has one, on its event loop. */
    private <T extends io.netty.channel.ChannelHandler> void each(Class<T> type, Consumer<T> action) {
        for (Channel ch : clients) {
            ch.eventLoop().execute(() -> {
                T h = ch.pipeline().get(type);
                if (h != null && ch.isOpen()) {
                    action.accept(h);
                }
            });
        }
    }
}
