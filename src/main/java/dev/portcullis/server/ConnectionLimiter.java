package dev.portcullis.server;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Closes connections beyond {@code max_connections} (or the admin listener's) as soon as they are accepted. */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);
    private final AtomicInteger open = new AtomicInteger();
    private final int max;
    private final String key;

    ConnectionLimiter(int max) {
        this(max, "max_connections");
    }

    /** @param key the config key of the limit, for the log line */
    ConnectionLimiter(int max, String key) {
        this.max = max;
        this.key = key;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            log.warn("{} ({}) reached; refusing {}", key, max, ctx.channel().remoteAddress());
            ctx.channel().attr(REFUSED).set(Boolean.TRUE);
            ctx.close();
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel().attr(REFUSED).get() == null) {
            open.decrementAndGet();
            ctx.fireChannelInactive();
        }
    }

    private static final io.netty.util.AttributeKey<Boolean> REFUSED =
            io.netty.util.AttributeKey.valueOf("portcullis.refused");
}
