package dev.portcullis.server;

import dev.portcullis.forward.WebSocketHandshake;
import dev.portcullis.session.SameOrigin;
import dev.portcullis.vocab.Reason;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;
import java.util.List;

/**
 * An RFC 6455 upgrade on a route with {@code websocket.enabled}: checked once the decision core let
 * the request through (an unauthenticated client learns nothing but 401), sent upstream with its
 * handshake fields, and, when the upstream switches protocols, turned into a {@link Tunnel}.
 * A route without it, or a request that does not ask, goes on as plain HTTP ({@code Upgrade} stripped).
 */
final class WebSocketUpgrade {
    /** Records the end of the upgrade's exchange (the decision line), as {@link ExchangeAudit#record}. */
    interface Recorder {
        void record(Exchange x, Reason reason, int status);
    }

    private WebSocketUpgrade() {
    }

    /**
     * Marks an allowed request as an upgrade to carry through, or says why it is refused: null to go
     * on (as an upgrade or as plain HTTP), {@code websocket_malformed} for a handshake RFC 6455 does not
     * allow, {@code csrf_rejected} for a cookie-authenticated upgrade from another origin.
     */
    static Reason admit(Exchange x, String scheme) {
        if (!x.route.websocket().enabled() || !WebSocketHandshake.asked(x.request.headers())) {
            return null;
        }
        if (WebSocketHandshake.problem(x.method, x.request.headers()) != null) {
            return Reason.WEBSOCKET_MALFORMED;
        }
        // Cross-site WebSocket hijacking: a browser sends the cookie on a cross-site upgrade, and the
        // same-origin policy does not cover WebSocket. Only the page's Origin tells; it must be ours.
        if (x.session != null && x.session.accessToken() != null && x.identity != null) {
            List<String> origins = x.request.headers().getAll(HttpHeaderNames.ORIGIN);
            if (origins.size() != 1 || !SameOrigin.allowed(null, origins.get(0), scheme, x.clientHost)) {
                return Reason.CSRF_REJECTED;
            }
        }
        x.websocket = true;
        x.websocketFields = WebSocketHandshake.requestFields(x.request.headers());
        return null;
    }

    /**
     * The upstream answered 101 ({@link WebSocketHandshake#isSwitch}): the decision line is recorded,
     * the client gets its 101, and both connections become a {@link Tunnel}, which holds the route's
     * slot ({@code max_concurrent_requests}) until it ends.
     */
    static void switched(ChannelHandlerContext ctx, Channel upstream, HttpResponse res, Exchange x, Gate gate,
            Recorder recorder) {
        FullHttpResponse answer = WebSocketHandshake.switching(res);
        ReferenceCountUtil.release(res);
        answer.headers().set("X-Request-Id", x.requestId);
        recorder.record(x, x.decision, 101);
        boolean holdsSlot = x.holdsSlot;
        x.holdsSlot = false;
        ctx.writeAndFlush(answer); // encoded now, before the HTTP codecs go
        new Tunnel(ctx.channel(), upstream, x, gate, holdsSlot).open();
    }
}
