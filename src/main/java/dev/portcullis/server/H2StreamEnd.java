package dev.portcullis.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2HeadersFrame;

/**
 * How a stream ends when the proxy has answered in full before the client finished its request
 * (a refusal on the head while its body is still coming): RST_STREAM NO_ERROR, which asks the
 * client to stop sending without calling the answer an error (RFC 9113 section 8.1). Closing the
 * stream channel alone would reset it with CANCEL, which a client may read as the answer being cut
 * short; whether it did depended on whether the request's last frame had been read by then. A
 * stream closed before its answer ended keeps Netty's CANCEL. First in each stream's pipeline.
 */
final class H2StreamEnd extends ChannelDuplexHandler {
    private boolean requestEnded;
    private boolean answerEnded;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        requestEnded |= ends(msg);
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        answerEnded |= ends(msg);
        ctx.write(msg, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (answerEnded && !requestEnded && ctx.channel().isActive()) {
            // Written before the close: Netty then finds the reset sent and writes no CANCEL of its own.
            ctx.write(new DefaultHttp2ResetFrame(Http2Error.NO_ERROR));
        }
        ctx.close(promise);
    }

    private static boolean ends(Object msg) {
        return msg instanceof Http2HeadersFrame h ? h.isEndStream() : msg instanceof Http2DataFrame d && d.isEndStream();
    }
}
