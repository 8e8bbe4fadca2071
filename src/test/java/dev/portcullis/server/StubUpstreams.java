package dev.portcullis.server;

import dev.portcullis.forward.Upstream;
import dev.portcullis.forward.UpstreamListener;
import io.netty.channel.Channel;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ImmediateEventExecutor;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObject;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Upstream connections without sockets: each "connection" is an {@link EmbeddedChannel} whose
 * inbound side (what a test writes in as the upstream's answer) is reported to the exchange that
 * leased it, as the proxy's {@code UpstreamHandler} does; its outbound side keeps what the proxy
 * sent. Released connections are pooled and leased again, as the real pool does.
 */
final class StubUpstreams implements UpstreamConnections {
    final List<EmbeddedChannel> opened = new ArrayList<>();
    final List<Channel> released = new ArrayList<>();
    final List<Channel> discarded = new ArrayList<>();
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    /** When set, a new connection is up only at {@link #connectNow}: after the client's read, not during it. */
    boolean connectLater;
    private io.netty.util.concurrent.Promise<Channel> connecting;

    @Override
    public Channel acquire(Upstream u, long idleTimeoutMillis, UpstreamListener listener) {
        Channel ch = idle.pollLast();
        if (ch != null) {
            relay(ch).listener = listener;
        }
        return ch;
    }

    @Override
    public Future<Channel> connect(Upstream u, int connectTimeoutMillis, UpstreamListener listener) {
        Relay relay = new Relay();
        relay.listener = listener;
        EmbeddedChannel ch = new EmbeddedChannel(new Flushes(), relay);
        opened.add(ch);
        if (connectLater) {
            connecting = ImmediateEventExecutor.INSTANCE.newPromise();
            return connecting;
        }
        return ImmediateEventExecutor.INSTANCE.newSucceededFuture(ch);
    }

    /** The connection held back by {@link #connectLater} is up now. */
    void connectNow() {
        connecting.setSuccess(only());
    }

    @Override
    public void release(Upstream u, Channel ch, int maxIdle, long idleTimeoutMillis) {
        relay(ch).listener = null;
        released.add(ch);
        idle.addLast(ch);
    }

    @Override
    public void discard(Channel ch) {
        relay(ch).listener = null;
        discarded.add(ch);
        ch.close();
    }

    /** The only connection opened so far. */
    EmbeddedChannel only() {
        if (opened.size() != 1) {
            throw new AssertionError("expected one upstream connection, opened: " + opened.size());
        }
        return opened.get(0);
    }

    /** The flushes of a connection, each as the number of messages it sent (flushes that sent nothing left out). */
    static List<Integer> flushes(Channel ch) {
        return ch.pipeline().get(Flushes.class).sent;
    }

    /** Counts what each flush sends: one socket write per flush, in a real channel. */
    static final class Flushes extends ChannelOutboundHandlerAdapter {
        final List<Integer> sent = new ArrayList<>();
        private int written;

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            written++;
            ctx.write(msg, promise);
        }

        @Override
        public void flush(ChannelHandlerContext ctx) {
            if (written > 0) {
                sent.add(written);
                written = 0;
            }
            ctx.flush();
        }
    }

    private static Relay relay(Channel ch) {
        return ch.pipeline().get(Relay.class);
    }

    /** Reports what the upstream "sends" to the leasing exchange, like {@code UpstreamHandler}. */
    static final class Relay extends ChannelInboundHandlerAdapter {
        UpstreamListener listener;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (listener != null) {
                listener.onUpstreamMessage((HttpObject) msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (listener != null) {
                listener.onUpstreamReadComplete();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            UpstreamListener l = listener;
            listener = null;
            if (l != null) {
                l.onUpstreamClosed();
            }
        }
    }
}
