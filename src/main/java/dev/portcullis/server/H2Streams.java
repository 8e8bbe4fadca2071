package dev.portcullis.server;

import dev.portcullis.config.ServerConfig;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;

/**
 * HTTP/2 on a client connection: the connection's handlers (Netty's codec with the listener's
 * bounds, its multiplexer, the {@link H2Connection}) and each stream's, which make the stream one
 * request to the same {@link FrontendHandler} an HTTP/1.1 connection has:
 * {@code H2StreamEnd → H2RequestCheck → HTTP/2-to-HTTP/1 conversion → stalls → gate}.
 */
final class H2Streams {
    /** One connection's HTTP/2 handlers, in pipeline order. */
    record Handlers(Http2FrameCodec codec, Http2MultiplexHandler streams, H2Connection connection) {
    }

    private H2Streams() {
    }

    /** Turns {@code p} (after TLS, if any) into an HTTP/2 server connection's pipeline. */
    static void configure(ChannelPipeline p, Gate gate, ServerConfig limits, boolean tls) {
        Handlers h = handlers(gate, limits, tls);
        p.addLast("h2", h.codec());
        p.addLast("h2-streams", h.streams());
        p.addLast("h2-connection", h.connection());
        readAsFramesCome(p);
    }

    /**
     * Read as frames come: each stream's window holds back its body (Netty returns the window as
     * the stream's handler takes the bytes), and control frames need answering at once.
     */
    static void readAsFramesCome(ChannelPipeline p) {
        p.channel().config().setAutoRead(true);
    }

    static Handlers handlers(Gate gate, ServerConfig limits, boolean tls) {
        H2Connection connection = new H2Connection(gate, limits.http2());
        Http2FrameCodec codec = H2Codec.forServer(limits.http2(), connection::connectionError,
                connection::headRefused);
        return new Handlers(codec, new Http2MultiplexHandler(streamInitializer(gate, limits, tls, connection)), connection);
    }

    private static ChannelHandler streamInitializer(Gate gate, ServerConfig limits, boolean tls, H2Connection connection) {
        return new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.config().setAutoRead(false);
                connection.streamOpened(ch.stream().id());
                ch.closeFuture().addListener(f -> connection.streamClosed());
                gate.drain().track(ch);
                ChannelPipeline sp = ch.pipeline();
                sp.addLast("h2-end", new H2StreamEnd());
                sp.addLast("h2-check", new H2RequestCheck());
                sp.addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true, true));
                // A stream opens with its whole head: no head clock to run (the FrontendHandler still
                // tells this one when a head came); a head spread over CONTINUATION frames is bounded
                // by max_small_continuation_frames and max_header_list_size instead.
                HeadTimer headTimer = new HeadTimer(limits.headerReadTimeout().toMillis());
                ClientStalls stalls = new ClientStalls(gate);
                sp.addLast("client-stalls", stalls);
                sp.addLast("gate", new FrontendHandler(gate, headTimer, stalls, tls));
            }
        };
    }
}
