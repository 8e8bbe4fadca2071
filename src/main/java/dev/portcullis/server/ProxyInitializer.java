package dev.portcullis.server;

import dev.portcullis.config.ServerConfig;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** Builds a client connection's pipeline, step by step. */
final class ProxyInitializer extends ChannelInitializer<SocketChannel> {
    private final Gate gate;
    private final ServerConfig limits;
    private final ConnectionLimiter connections;

    private final TlsReloader tls;

    ProxyInitializer(Gate gate, ServerConfig limits, TlsReloader tls) {
        this.gate = gate;
        this.limits = limits;
        this.tls = tls;
        this.connections = new ConnectionLimiter(limits.maxConnections(), gate.metrics());
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        gate.drain().track(ch);
        ChannelPipeline p = ch.pipeline();
        addConnectionHandlers(p);
        if (tls != null) {
            p.addLast("tls", tls.context().newHandler(ch.alloc()));
        }
        if (limits.http2().enabled()) {
            // live limits: a reload that changes them sends the open HTTP/2 connections a GOAWAY
            ServerConfig live = gate.snapshot().config().server();
            p.addLast("protocol", tls != null ? new AlpnSwitch(pp -> H2Streams.configure(pp, gate, live, true), this::addHttp1)
                    : new PrefaceSniffer(c -> H2Streams.configure(c.pipeline(), gate, live, false), c -> {
                        addHttp1(c.pipeline());
                        c.pipeline().addAfter("http-encoder", "h2c-upgrade", new H2cUpgrade(gate, live));
                    }));
            return;
        }
        addHttp1(p);
    }

    /** The HTTP/1.1 handlers, from the head timer to the gate. */
    private void addHttp1(ChannelPipeline p) {
        HeadTimer headTimer = new HeadTimer(limits.headerReadTimeout().toMillis());
        p.addLast("head-timer", headTimer);
        addHttpHandlers(p);
        ClientStalls stalls = new ClientStalls(gate);
        p.addLast("client-stalls", stalls);
        p.addLast("gate", new FrontendHandler(gate, headTimer, stalls, tls != null));
    }

    private void addConnectionHandlers(ChannelPipeline p) {
        p.addLast("limit", connections);
        p.addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }

    private void addHttpHandlers(ChannelPipeline p) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineLength())
                .setMaxHeaderSize(limits.maxHeaderSize())
                .setMaxChunkSize(16384)
                .setAllowPartialChunks(true);
        p.addLast("http-decoder", new StrictRequestDecoder(decoder));
        p.addLast("http-encoder", new HttpResponseEncoder());
    }
}
