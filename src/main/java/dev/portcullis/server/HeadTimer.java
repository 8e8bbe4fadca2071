package dev.portcullis.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The slow-header (slowloris) guard: once the first byte of a request head arrives, the whole
 * head must arrive within {@code header_read_timeout}. Sits before the decoder, so it sees bytes;
 * the {@link FrontendHandler} tells it when a head was decoded and when the next may start.
 * A connection that sends nothing at all is left to the idle timeout.
 *
 * <p>One timer per connection, armed lazily and re-armed only when it fires during a head: a
 * busy keep-alive connection costs one scheduled task per timeout period, not one per request.
 */
final class HeadTimer extends ChannelInboundHandlerAdapter {
    /** Fired down the pipeline when a head took too long. */
    static final Object TIMED_OUT = new Object();

    private final long timeoutNanos;
    private ChannelHandlerContext ctx;
    private boolean awaitingHead = true;
    private long headStartNanos = -1;
    private ScheduledFuture<?> timer;

    HeadTimer(long timeoutMillis) {
        this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaitingHead && headStartNanos < 0) {
            headStartNanos = System.nanoTime();
            if (timer == null) {
                arm(timeoutNanos);
            }
        }
        ctx.fireChannelRead(msg);
    }

    private void arm(long delayNanos) {
        timer = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void check() {
        timer = null;
        if (!awaitingHead || headStartNanos < 0 || !ctx.channel().isActive()) {
            return; // no head in progress: the next one arms the timer again
        }
        long left = timeoutNanos - (System.nanoTime() - headStartNanos);
        if (left <= 0) {
            ctx.fireUserEventTriggered(TIMED_OUT);
        } else {
            arm(left);
        }
    }

    /** A complete head was decoded: stop the clock until the exchange ends. */
    void headReceived() {
        awaitingHead = false;
        headStartNanos = -1;
    }

    /** Whether bytes of a request head have come and the head is not complete yet. */
    boolean headInProgress() {
        return awaitingHead && headStartNanos >= 0;
    }

    /** The exchange ended; the next bytes start a new head. */
    void awaitHead() {
        awaitingHead = true;
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel(); // the connection went on as HTTP/2 (Upgrade: h2c)
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
