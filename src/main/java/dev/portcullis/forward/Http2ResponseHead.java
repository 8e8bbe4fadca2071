package dev.portcullis.forward;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http2.HttpConversionUtil.ExtensionHeaderNames;

/**
 * Makes the response head Netty converts from an HTTP/2 stream look like one an HTTP/1.1 upstream
 * sent: without the {@code x-http2-*} fields the conversion adds (the client has no business with
 * stream ids), and with a {@code Content-Length} when the whole response came in one frame, so
 * the client connection can stay open. One per stream.
 */
final class Http2ResponseHead extends ChannelDuplexHandler {
    private boolean head;

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpRequest r) {
            head = HttpMethod.HEAD.equals(r.method());
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpResponse res) {
            for (ExtensionHeaderNames n : ExtensionHeaderNames.values()) {
                res.headers().remove(n.text());
            }
            int code = res.status().code();
            if (msg instanceof FullHttpResponse full && !head && code != 204 && code != 304 && code >= 200
                    && !HttpUtil.isContentLengthSet(full) && !HttpUtil.isTransferEncodingChunked(full)) {
                HttpUtil.setContentLength(full, full.content().readableBytes());
            }
        }
        ctx.fireChannelRead(msg);
    }
}
