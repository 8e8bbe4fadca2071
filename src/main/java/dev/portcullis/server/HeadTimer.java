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
 */
final class HeadTimer extends ChannelInboundHandlerAdapter {
    /** Fired down the pipeline when a head took too long. */
    static final Object TIMED_OUT = new Object();

    private final long timeoutMillis;
    private boolean awaitingHead = true;
    private ScheduledFuture<?> timer;

    HeadTimer(long timeoutMillis) {
        this.timeoutMillis = timeoutMillis;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (awaitingHead && timer == null) {
            timer = ctx.executor().schedule(() -> {
                timer = null;
                if (awaitingHead && ctx.channel().isActive()) {
                    ctx.fireUserEventTriggered(TIMED_OUT);
                }
            }, timeoutMillis, TimeUnit.MILLISECONDS);
        }
        ctx.fireChannelRead(msg);
    }

    /** A complete head was decoded: stop the clock until the exchange ends. */
    void headReceived() {
        awaitingHead = false;
        cancel();
    }

    /** The exchange ended; the next bytes start a new head. */
    void awaitHead() {
        awaitingHead = true;
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
