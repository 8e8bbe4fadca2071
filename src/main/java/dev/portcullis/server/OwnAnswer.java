package dev.portcullis.server;

import dev.portcullis.forward.CorsHeaders;
import dev.portcullis.server.ClientReads.State;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpUtil;

/**
 * The proxy's own answer to an exchange (a refusal, a sign-in redirect, an endpoint of its own),
 * written on the client connection by its {@link FrontendHandler}: the connection is kept only
 * when the client's body is done or can be skipped.
 */
final class OwnAnswer {
    private OwnAnswer() {
    }

    static void write(FrontendHandler h, ChannelHandlerContext ctx, ClientReads reads, Exchange x, Gate gate,
            String scheme, Outcome o) {
        boolean bodyDone = x.requestComplete || (x.request != null && !x.request.decoderResult().isFailure()
                && !HttpUtil.isTransferEncodingChunked(x.request) && Admission.declaredLength(x.request) == 0);
        boolean keepAlive = !o.close() && x.clientKeepAlive && bodyDone;
        if (!keepAlive) {
            reads.state = State.CLOSING;
        } else if (x.requestComplete) {
            h.idle();
        } else {
            reads.state = State.DISCARDING;
        }
        FullHttpResponse res = GrpcAnswers.code(x, o) >= 0 ? GrpcAnswers.response(o.reason(), keepAlive, x, ctx)
                : SessionAnswers.response(o.reason(), keepAlive, x, gate, scheme);
        CorsHeaders.onAnswer(res.headers(), o.reason(), x.cors(), x.corsOrigin);
        if (o.blocked() != null) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, o.blocked().retryAfterSeconds(System.currentTimeMillis()));
        }
        if (keepAlive) {
            ctx.writeAndFlush(res);
            h.drain();
            h.demandRead();
        } else {
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
