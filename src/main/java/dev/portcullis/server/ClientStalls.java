package dev.portcullis.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The guard against a client that stops keeping up once its request is being forwarded: one
 * that stops sending its body ({@code body_read_timeout}, {@code body_min_rate}), and one that
 * stops reading its response ({@code response_write_timeout}: the connection's outbound buffer
 * stays above its high-water mark, so nothing can be written). When a bound is crossed it fires
 * {@link #BODY_STALLED} or {@link #WRITE_STALLED} down the pipeline; the {@link FrontendHandler}
 * decides what to answer and what to release, as it does for {@link HeadTimer#TIMED_OUT}.
 *
 * <p>{@link RequestBody} says when a body starts, when it asks the socket for more of it
 * and when bytes arrive; writability is seen here, as it passes through the pipeline. One timer
 * per connection, armed lazily and re-armed only when it fires before a deadline that has moved
 * on: a busy connection schedules one task per timeout period, not one per read.
 */
final class ClientStalls extends ChannelInboundHandlerAdapter {
    /** Fired down the pipeline when the client stopped sending its request body. */
    static final Object BODY_STALLED = new Object();
    /** Fired down the pipeline when the client stopped taking response bytes. */
    static final Object WRITE_STALLED = new Object();

    private final Gate gate;
    private final BodyPace body = new BodyPace();
    private ChannelHandlerContext ctx;
    private long unwritableSince = -1;
    private long writeTimeoutNanos;
    private ScheduledFuture<?> timer;
    private long timerAt;

    ClientStalls(Gate gate) {
        this.gate = gate;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    /** A request body starts to be forwarded, under these bounds. */
    void bodyStarts(long gapMillis, long minBytesPerSecond) {
        body.start(TimeUnit.MILLISECONDS.toNanos(gapMillis), minBytesPerSecond);
    }

    /** The proxy asked the socket for more of the body: from now the client is waited for. */
    void bodyDemanded() {
        body.demanded(System.nanoTime());
        ensureTimer(body.deadline());
    }

    /**
     * Body bytes arrived; {@code last} ends the body.
     *
     * @return false when the body is slower than {@code body_min_rate}: the caller ends the exchange
     */
    boolean bodyReceived(long n, boolean last) {
        boolean fastEnough = body.received(n, System.nanoTime());
        if (last || !fastEnough) {
            body.stop();
        }
        return fastEnough;
    }

    /** The exchange ended before its body did. */
    void bodyEnds() {
        body.stop();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (ctx.channel().isWritable()) {
            unwritableSince = -1;
        } else if (unwritableSince < 0) {
            unwritableSince = System.nanoTime();
            writeTimeoutNanos = gate.snapshot().config().server().responseWriteTimeout().toNanos();
            ensureTimer(unwritableSince + writeTimeoutNanos);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private long writeDeadline() {
        return unwritableSince < 0 ? BodyPace.NONE : unwritableSince + writeTimeoutNanos;
    }

    private void ensureTimer(long at) {
        if (at == BodyPace.NONE || (timer != null && timerAt - at <= 0)) {
            return;
        }
        if (timer != null) {
            timer.cancel(false); // rare: a shorter bound started while a longer one was armed
        }
        arm(at);
    }

    private void arm(long at) {
        timerAt = at;
        timer = ctx.executor().schedule(this::check, at - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    private void check() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        long now = System.nanoTime();
        if (body.expired(now)) {
            body.stop();
            ctx.fireUserEventTriggered(BODY_STALLED);
        }
        if (unwritableSince >= 0 && now - unwritableSince >= writeTimeoutNanos) {
            unwritableSince = -1;
            ctx.fireUserEventTriggered(WRITE_STALLED);
        }
        long next = Math.min(body.deadline(), writeDeadline());
        if (next != BodyPace.NONE && ctx.channel().isActive()) {
            arm(next);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        body.stop();
        ctx.fireChannelInactive();
    }
}
