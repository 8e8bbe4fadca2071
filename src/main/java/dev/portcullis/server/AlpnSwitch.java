package dev.portcullis.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import java.util.function.Consumer;

/**
 * On a TLS listener with {@code http2: true}: once the handshake has agreed on a protocol by ALPN,
 * installs HTTP/2's handlers ({@code h2}) or HTTP/1.1's (anything else, and a client without ALPN).
 */
final class AlpnSwitch extends ApplicationProtocolNegotiationHandler {
    private final Consumer<ChannelPipeline> http2;
    private final Consumer<ChannelPipeline> http1;

    AlpnSwitch(Consumer<ChannelPipeline> http2, Consumer<ChannelPipeline> http1) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.http2 = http2;
        this.http1 = http1;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read(); // auto-read is off: the handshake needs the client's hello
        super.channelActive(ctx);
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            http2.accept(ctx.pipeline());
        } else {
            http1.accept(ctx.pipeline());
        }
    }
}
