package dev.portcullis.server;

import dev.portcullis.config.Http2Config;
import dev.portcullis.detect.ClientKeys;
import dev.portcullis.observe.Http2Metrics;
import dev.portcullis.vocab.Reason;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.timeout.IdleStateEvent;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * One client's HTTP/2 connection, around its streams (each a {@link FrontendHandler} of its own):
 * counts it, closes it when idle with no stream open, asks the client to go elsewhere with a
 * graceful GOAWAY when the proxy drains or the connection has carried {@code max_streams_per_connection}
 * streams (in-flight streams finish), and records a connection error once (the {@link H2Codec}
 * names it; Netty has already answered GOAWAY). Every method runs on the connection's event loop.
 */
final class H2Connection extends ChannelDuplexHandler {
    private final Gate gate;
    private final Http2Config limits;
    private final Http2Metrics metrics;
    private ChannelHandlerContext ctx;
    private int open;
    private long streams;
    private boolean goingAway;

    H2Connection(Gate gate, Http2Config limits) {
        this.gate = gate;
        this.limits = limits;
        this.metrics = gate.metrics().http2();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        metrics.opened();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        metrics.closed();
    }

    /** Client stream {@code id} became a request. */
    void streamOpened(int id) {
        open++;
        streams++;
        metrics.stream();
        // A client that jumped to the last stream id (2^31-1) can open no more streams here; Netty
        // alone would keep the connection, resetting each later stream. Close it as a full one.
        if (streams >= limits.maxStreamsPerConnection() || id == Integer.MAX_VALUE) {
            goAway("max_streams");
        }
    }

    /** A client stream ended; a connection going away closes with its last one. */
    void streamClosed() {
        open--;
        if (open == 0 && goingAway && ctx.channel().isOpen()) {
            ctx.close();
        }
    }

    /**
     * GOAWAY NO_ERROR naming the last stream the proxy took: the client opens no more here, and
     * retries any later one elsewhere; the connection closes when its open streams have ended.
     */
    void goAway(String reason) {
        if (goingAway || !ctx.channel().isActive()) {
            return;
        }
        goingAway = true;
        metrics.goaway(reason);
        ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.NO_ERROR));
        if (open == 0) {
            ctx.close();
        }
    }

    /** The proxy is stopping ({@link Drain}). */
    void drainStarted() {
        goAway("drain");
    }

    /** {@code shutdown.timeout} ran out: what is still open is cut (its streams end as {@code shutdown} on their own). */
    void shutdownCut() {
        ctx.close();
    }

    /** The {@link H2Codec}'s report of a connection error it answered with GOAWAY. */
    void connectionError(String name) {
        metrics.goaway(name);
        goingAway = true;
        recordWithoutRequest(Reason.HTTP2_ABUSE);
    }

    /**
     * The {@link H2Codec}'s report of a request head Netty refused before it became a stream: a header
     * list decoded past {@code max_header_list_size} ({@code headers_too_large}: Netty answered 431 and
     * reset the stream) or one its HPACK validation refused ({@code bad_request}: reset). No request was made.
     */
    void headRefused(Reason r) {
        recordWithoutRequest(r);
    }

    private void recordWithoutRequest(Reason r) {
        InetAddress client = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        new ExchangeAudit(gate, ClientKeys.of(client), ClientAddress.of(client)).recordWithoutRequest(r);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            if (open == 0) {
                goAway("idle");
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof Http2Exception)) {
            ctx.close(); // resets and broken pipes: nothing more to say to this client
        } // a connection error: the codec answers GOAWAY and closes
    }
}
