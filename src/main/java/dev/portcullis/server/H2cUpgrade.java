package dev.portcullis.server;

import dev.portcullis.config.ServerConfig;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerUpgradeHandler;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ServerUpgradeCodec;
import io.netty.util.AsciiString;
import java.util.List;

/**
 * {@code Upgrade: h2c} (RFC 7540 3.2) on a plain listener with {@code http2: true}, for the first
 * request of a connection when it has no body: the proxy answers 101 itself, and the request goes
 * on as stream 1 through the same checks and decision as any other stream. The upgrade is the
 * proxy's own, never forwarded ({@code Upgrade} is hop-by-hop here), so it cannot be used to talk
 * HTTP/2 to a service past the gate (h2c smuggling). A request with a body, or any later request,
 * is served as HTTP/1.1 and its {@code Upgrade} dropped. Sits after the HTTP/1.1 codec, and leaves
 * after the first request.
 */
final class H2cUpgrade extends HttpServerUpgradeHandler {
    private static final List<String> HTTP1_HANDLERS = List.of("head-timer", "http-decoder", "http-encoder",
            "client-stalls", "gate");

    H2cUpgrade(Gate gate, ServerConfig limits) {
        super(H2cUpgrade::leaveHttp1, protocol -> upgradeCodec(protocol, gate, limits), 0,
                DefaultHttpHeadersFactory.headersFactory(), DefaultHttpHeadersFactory.trailersFactory(), true);
    }

    @Override
    protected boolean shouldHandleUpgradeRequest(HttpRequest req) {
        return AsciiString.contentEqualsIgnoreCase(req.headers().get(HttpHeaderNames.UPGRADE), Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME)
                && !req.headers().contains(HttpHeaderNames.TRANSFER_ENCODING) && HttpUtil.getContentLength(req, 0L) == 0;
    }

    private static Http2ServerUpgradeCodec upgradeCodec(CharSequence protocol, Gate gate, ServerConfig limits) {
        if (!AsciiString.contentEquals(Http2CodecUtil.HTTP_UPGRADE_PROTOCOL_NAME, protocol)) {
            return null;
        }
        H2Streams.Handlers h = H2Streams.handlers(gate, limits, false);
        return new Http2ServerUpgradeCodec(h.codec(), h.streams(), h.connection()) {
            @Override
            public void upgradeTo(ChannelHandlerContext ctx, io.netty.handler.codec.http.FullHttpRequest request) {
                super.upgradeTo(ctx, request);
                H2Streams.readAsFramesCome(ctx.pipeline());
            }
        };
    }

    /** The HTTP/1.1 handlers leave; the connection was counted by its {@link FrontendHandler}, and now is by HTTP/2's. */
    private static void leaveHttp1(ChannelHandlerContext ctx) {
        FrontendHandler h1 = ctx.pipeline().get(FrontendHandler.class);
        for (String name : HTTP1_HANDLERS) {
            if (ctx.pipeline().get(name) != null) {
                ctx.pipeline().remove(name);
            }
        }
        if (h1 != null) {
            h1.upgradedToHttp2();
        }
    }
}
