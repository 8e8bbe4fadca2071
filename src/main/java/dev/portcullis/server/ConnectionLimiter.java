package dev.portcullis.server;

import dev.portcullis.observe.Metrics;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes connections beyond {@code max_connections} (or the admin listener's) as soon as they are
 * accepted, and counts the ones it lets in ({@code portcullis_client_connections}, on the client
 * listener): whatever a connection becomes (HTTP/1.1, HTTP/2, a WebSocket tunnel), it is one connection.
 */
@ChannelHandler.Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionLimiter.class);
    private final AtomicInteger open = new AtomicInteger();
    private final int max;
    private final String key;
    private final Metrics metrics;

    /** The client listener's: counted in {@code metrics}. */
    ConnectionLimiter(int max, Metrics metrics) {
        this(max, "max_connections", metrics);
    }

    /** @param key the config key of the limit, for the log line; {@code metrics}: null for none */
    ConnectionLimiter(int max, String key, Metrics metrics) {
        this.max = max;
        this.key = key;
        this.metrics = metrics;
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
        if (metrics != null) {
            metrics.connectionOpened();
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel().attr(REFUSED).get() == null) {
            open.decrementAndGet();
            if (metrics != null) {
                metrics.connectionClosed();
            }
            ctx.fireChannelInactive();
        }
    }

    private static final io.netty.util.AttributeKey<Boolean> REFUSED =
            io.netty.util.AttributeKey.valueOf("portcullis.refused");
}
