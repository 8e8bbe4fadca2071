package dev.portcullis.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.config.OktaConfig.EventHook;
import dev.portcullis.membership.DirectoryEvents;
import dev.portcullis.membership.OktaDelivery;
import dev.portcullis.vocab.Blocked;
import dev.portcullis.vocab.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.Map;

/**
 * The proxy's own endpoints under the reserved {@code /.portcullis/} prefix, on the client
 * listener: taken before the decision core, so no route can shadow them. Today one: the Okta Event
 * Hook receiver at {@code /.portcullis/okta/events} ({@link OktaHook}), and with browser sign-in on
 * {@code /.portcullis/sign_in}, {@code /.portcullis/callback} and {@code /.portcullis/sign_out}
 * ({@link SignInExchange}); any other path under the prefix, and each of them while it is off, is 404
 * {@code no_route}.
 *
 * <p>The receiver: {@code GET} with {@code X-Okta-Verification-Challenge} answers Okta's one-time
 * verification; {@code POST} takes a delivery. Both need the secret header (Okta sends it on the
 * verification too), else 401 {@code okta_hook_unauthorized}. A delivery's body is small and
 * bounded ({@code max_body_size}, else 413), so it is gathered here (never forwarded), parsed, and
 * queued; the 200 goes out at once and the events are applied on the queue's own thread. One per
 * client connection; every method runs on its event loop.
 */
final class OwnEndpoint {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CHALLENGE = "X-Okta-Verification-Challenge";

    private final FrontendHandler owner;
    private final ChannelHandlerContext ctx;
    private final OktaHook hook;
    private final Exchange x;
    private final Gate gate;
    private final String clientKey;
    private ByteBuf body;
    private int max;
    /** The verification challenge of a GET, answered once its (empty) body is over; else null. */
    private String challenge;
    /** A request to the sign-in endpoints ({@link SignInExchange}), or null. */
    private SignInExchange signIn;

    /** @param clientKey the key intrusion detection counts this client under */
    OwnEndpoint(FrontendHandler owner, ChannelHandlerContext ctx, Gate gate, Exchange x, ClientReads reads,
            String clientKey) {
        this.owner = owner;
        this.gate = gate;
        this.clientKey = clientKey;
        this.ctx = ctx;
        this.hook = gate.oktaHook();
        this.x = x;
        reads.own = this;
    }

    /**
     * Takes the request when its target is under {@code /.portcullis/}; the exchange then goes on
     * here (its body, if any, through {@link #content}) and ends through the owner. False for
     * every other request, which goes to the decision core.
     */
    boolean take(HttpRequest r, ClientReads reads) {
        String path = OktaHook.reservedPath(r.uri());
        if (path == null) {
            return false;
        }
        reads.state = ClientReads.State.OWN;
        release();
        challenge = null;
        signIn = null;
        SignInFlow flow = gate.signInFlow();
        EventHook config = hook == null ? null : hook.config();
        Blocked blocked = gate.detection().isBlocked(x.clientKey == null ? clientKey : x.clientKey, null, null,
                x.startMillis);
        if (blocked != null) {
            // A source blocked for its denials (guessing the hook's secret among them) stays blocked here too.
            owner.end(Outcome.blocked(blocked));
        } else if (r.decoderResult().isFailure()) {
            owner.end(Outcome.refused(Reason.BAD_REQUEST, true));
        } else if (flow != null && SignInExchange.serves(path)) {
            signIn = new SignInExchange(owner, ctx, gate, x, flow, r, path);
            signIn.begin();
        } else if (config == null || !path.equals(OktaHook.EVENTS_PATH)) {
            owner.end(Outcome.refused(Reason.NO_ROUTE, false));
        } else if (!r.method().equals(HttpMethod.GET) && !r.method().equals(HttpMethod.POST)) {
            refuse(Reason.METHOD_NOT_ALLOWED, false);
        } else if (!hook.authentic(r.headers().getAll(config.secretHeader()))) {
            // Counted as a denial like any 401: probing the receiver for its secret is probing.
            refuse(Reason.OKTA_HOOK_UNAUTHORIZED, false);
        } else if (r.method().equals(HttpMethod.GET) && !challenged(r.headers().getAll(CHALLENGE))) {
            refuse(Reason.OKTA_EVENT_MALFORMED, false);
        } else if (Admission.declaredLength(r) > max(r, config) || Admission.declaredLength(r) < 0) {
            refuse(Reason.BODY_TOO_LARGE, true);
        } else {
            max = max(r, config);
            body = ctx.alloc().buffer(Math.max(64, (int) Math.min(max, Admission.declaredLength(r))));
            if (HttpUtil.is100ContinueExpected(r)) {
                ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
            }
            if (r instanceof HttpContent c) {
                content(c);
            }
        }
        return true;
    }

    /** A verification has no body; a delivery up to {@code max_body_size}. */
    private static int max(HttpRequest r, EventHook config) {
        return r.method().equals(HttpMethod.GET) ? 0 : config.maxBodyBytes();
    }

    private boolean challenged(java.util.List<String> values) {
        if (values.size() != 1 || values.get(0).isBlank()) {
            return false;
        }
        challenge = values.get(0);
        return true;
    }

    /** A piece of the delivery's body: gathered up to {@code max_body_size}, then the delivery is taken. */
    void content(HttpContent c) {
        try {
            if (signIn != null) {
                signIn.content(c);
                return;
            }
            if (body == null) {
                return; // the exchange ended already
            }
            if (c.decoderResult().isFailure()) {
                release();
                owner.end(Outcome.refused(Reason.BAD_REQUEST, true));
                return;
            }
            if (body.readableBytes() + c.content().readableBytes() > max) {
                release();
                refuse(Reason.BODY_TOO_LARGE, true);
                return;
            }
            body.writeBytes(c.content());
            if (c instanceof LastHttpContent) {
                x.requestComplete = true;
                byte[] bytes = new byte[body.readableBytes()];
                body.readBytes(bytes);
                release();
                if (challenge != null) {
                    verify(challenge);
                } else {
                    deliver(bytes);
                }
            }
        } finally {
            c.release();
        }
    }

    private void deliver(byte[] bytes) {
        OktaDelivery d;
        try {
            d = OktaDelivery.parse(bytes);
        } catch (OktaDelivery.Malformed e) {
            refuse(Reason.OKTA_EVENT_MALFORMED, false);
            return;
        }
        try {
            hook.submit(d);
        } catch (DirectoryEvents.QueueFull e) {
            refuse(Reason.OKTA_EVENTS_BUSY, false);
            return;
        }
        answer(Unpooled.EMPTY_BUFFER);
    }

    private void verify(String value) {
        try {
            answer(Unpooled.wrappedBuffer(JSON.writeValueAsBytes(Map.of("verification", value))));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** 200: an empty body for a delivery, the challenge's answer for a verification. */
    private void answer(ByteBuf content) {
        Reason r = Reason.OKTA_EVENT_HOOK;
        hook.answered(r);
        boolean keepAlive = x.clientKeepAlive && x.requestComplete;
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, content);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("X-Request-Id", x.requestId);
        if (content.isReadable()) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.writeAndFlush(res);
        owner.end(Outcome.finished(r, 200));
    }

    private void refuse(Reason r, boolean close) {
        hook.answered(r);
        owner.end(Outcome.refused(r, close));
    }

    /** The connection is gone or the exchange ended: a body gathered so far is let go. */
    void release() {
        if (body != null) {
            body.release();
            body = null;
        }
    }
}
