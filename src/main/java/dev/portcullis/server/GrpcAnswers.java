package dev.portcullis.server;

import dev.portcullis.reject.GrpcAnswer;
import dev.portcullis.vocab.Reason;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http2.Http2StreamChannel;

/**
 * Which of the proxy's own answers go out gRPC-shaped ({@link GrpcAnswer}): those to an open
 * exchange whose request is gRPC, for a reason with a gRPC status. Its audit line records the
 * status actually sent (200) and {@code grpc_status}.
 */
final class GrpcAnswers {
    private GrpcAnswers() {
    }

    /** The {@code grpc-status} the answer ending exchange {@code x} with {@code o} is given, or -1: not shaped. */
    static int code(Exchange x, Outcome o) {
        // Without a snapshot there is no request of this exchange (a header timeout): x.grpc is an earlier one's.
        // x.grpc, not x.request: the request head is gone to the upstream once sent.
        if (!o.answer() || x.snapshot == null || !x.grpc) {
            return -1;
        }
        return GrpcAnswer.code(o.reason());
    }

    /** The trailers-only answer, with the session's cookie as any answer has it. */
    static FullHttpResponse response(Reason reason, boolean keepAlive, Exchange x, ChannelHandlerContext ctx) {
        FullHttpResponse res = GrpcAnswer.response(reason, keepAlive, x.requestId,
                ctx.channel() instanceof Http2StreamChannel);
        SessionAnswers.onRelayed(res.headers(), x);
        return res;
    }
}
