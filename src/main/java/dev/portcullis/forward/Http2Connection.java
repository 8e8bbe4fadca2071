package dev.portcullis.forward;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/2 connection to an upstream and the exchanges waiting for a stream on it; the last
 * handler of its pipeline. It takes streams once the upstream's first SETTINGS came (so its
 * {@code SETTINGS_MAX_CONCURRENT_STREAMS} is known), no more than that many at once, and none
 * after a GOAWAY or once {@code maxStreams} were opened (before stream ids run out). Every
 * method runs on its event loop.
 */
final class Http2Connection extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(Http2Connection.class);

    /** A stream's pipeline: HTTP/2 frames as the HTTP objects an exchange speaks, then the exchange's relay. */
    private static final ChannelInitializer<Http2StreamChannel> STREAM = new ChannelInitializer<>() {
        @Override
        protected void initChannel(Http2StreamChannel ch) {
            ch.pipeline().addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(false));
            ch.pipeline().addLast("h2-head", new Http2ResponseHead());
            ch.pipeline().addLast("upstream", new UpstreamHandler());
        }
    };

    /** An exchange waiting for a stream. */
    record Waiter(Promise<Channel> promise, UpstreamListener listener) {
    }

    final Upstream upstream;
    final int connectTimeoutMillis;
    final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
    private final Http2Upstreams owner;
    private final long maxStreams;
    private Channel channel;
    private Http2StreamChannelBootstrap streams;
    private Http2FrameCodec codec;
    private boolean ready;
    private boolean goingAway;
    private long concurrency = Long.MAX_VALUE;
    private int active;
    private long opened;
    private long idleSince = System.nanoTime();
    /** The TLS handshake agreed on something other than h2: the upstream does not speak it here. */
    boolean refusedH2;

    Http2Connection(Http2Upstreams owner, Upstream upstream, int connectTimeoutMillis, long maxStreams) {
        this.owner = owner;
        this.upstream = upstream;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.maxStreams = maxStreams;
    }

    void bind(Channel ch, Http2FrameCodec codec) {
        this.channel = ch;
        this.codec = codec;
        this.streams = new Http2StreamChannelBootstrap(ch).handler(STREAM);
    }

    Channel channel() {
        return channel;
    }

    boolean ready() {
        return ready;
    }

    /** Still connecting, and no GOAWAY: an exchange may wait for it. */
    boolean pending() {
        return !ready && !goingAway && channel != null && channel.isOpen();
    }

    /** A stream may be opened now. */
    boolean hasSlot() {
        // The codec knows of a GOAWAY before this handler reads it: it closes the refused streams first.
        return ready && !goingAway && channel.isActive() && active < concurrency && opened < maxStreams
                && !codec.connection().goAwayReceived() && codec.connection().local().canOpenStream();
    }

    /** No stream open and none ever again. */
    boolean spent() {
        return active == 0 && (goingAway || opened >= maxStreams);
    }

    /** Takes no new stream (a reload retired its upstream); closes once its streams ended. */
    void retire() {
        goingAway = true;
        if (active == 0) {
            channel.close();
        }
    }

    int active() {
        return active;
    }

    long idleSince() {
        return idleSince;
    }

    /** Opens a stream leased to {@code listener}; null when it could not be (the connection is closing). */
    Http2StreamChannel open(UpstreamListener listener) {
        Future<Http2StreamChannel> f = streams.open();
        // On the connection's loop the stream is registered before open() returns.
        if (!f.isDone() || !f.isSuccess()) {
            f.addListener(x -> {
                if (x.isSuccess()) {
                    ((Channel) x.getNow()).close();
                }
            });
            return null;
        }
        Http2StreamChannel s = f.getNow();
        active++;
        opened++;
        s.closeFuture().addListener(x -> streamClosed());
        s.pipeline().get(UpstreamHandler.class).bind(listener);
        return s;
    }

    private void streamClosed() {
        active--;
        if (active == 0) {
            idleSince = System.nanoTime();
        }
        if (spent()) {
            channel.close(); // a GOAWAY, a retired key or a spent id space: the last stream ended, so does the connection
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent e && e.isSuccess()) {
            String agreed = ctx.pipeline().get(SslHandler.class).applicationProtocol();
            if (!ApplicationProtocolNames.HTTP_2.equals(agreed)) {
                // Prior knowledge is for cleartext only: over TLS the upstream must say it speaks h2.
                refusedH2 = true;
                ctx.close();
            }
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (msg instanceof Http2SettingsFrame s) {
                Long max = s.settings().maxConcurrentStreams();
                if (max != null) {
                    concurrency = max;
                }
                if (!ready) {
                    ready = true;
                    owner.ready(this);
                }
            } else if (msg instanceof Http2GoAwayFrame) {
                // Streams above its last-stream-id are closed unprocessed by the codec; their exchanges
                // see the close before a response and are retried as today's rules allow.
                goingAway = true;
                owner.goingAway(this);
                if (active == 0) {
                    ctx.close();
                }
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        goingAway = true;
        owner.gone(this);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("upstream {} HTTP/2 connection failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
