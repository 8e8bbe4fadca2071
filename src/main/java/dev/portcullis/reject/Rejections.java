package dev.portcullis.reject;

import dev.portcullis.vocab.Reason;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The answers Portcullis gives itself: a short JSON body with the reason code, never a stack
 * trace; 401s carry {@code WWW-Authenticate: Bearer} with the RFC 6750 error code. Bodies are
 * built once per reason and shared (read-only) by every response.
 */
public final class Rejections {
    private static final String REALM = "portcullis";
    private static final ByteBuf[] BODIES = new ByteBuf[Reason.values().length];
    private static final String[] CHALLENGES = new String[Reason.values().length];

    static {
        for (Reason r : Reason.values()) {
            String json = "{\"error\":\"" + errorName(r) + "\",\"reason\":\"" + r.code() + "\",\"status\":"
                    + r.status() + "}\n";
            BODIES[r.ordinal()] = Unpooled.unreleasableBuffer(
                    Unpooled.directBuffer(json.length()).writeBytes(json.getBytes(StandardCharsets.US_ASCII))
                            .asReadOnly());
            if (r.status() == 401) {
                CHALLENGES[r.ordinal()] = r.bearerError() == null ? "Bearer realm=\"" + REALM + "\""
                        : "Bearer realm=\"" + REALM + "\", error=\"" + r.bearerError() + "\"";
            }
        }
    }

    private Rejections() {
    }

    private static String errorName(Reason r) {
        switch (r.status()) {
            case 400: return "bad_request";
            case 401: return r.bearerError() != null ? r.bearerError() : "unauthorized";
            case 403: return "forbidden";
            case 404: return "not_found";
            case 405: return "method_not_allowed";
            case 408: return "request_timeout";
            case 413: return "payload_too_large";
            case 414: return "uri_too_long";
            case 417: return "expectation_failed";
            case 429: return "too_many_requests";
            case 431: return "request_header_fields_too_large";
            case 500: return "internal_server_error";
            case 502: return "bad_gateway";
            case 503: return "service_unavailable";
            case 504: return "gateway_timeout";
            default: return "error";
        }
    }

    /** The {@code WWW-Authenticate} challenge of a 401 reason, or null. */
    static String challenge(Reason r) {
        return CHALLENGES[r.ordinal()];
    }

    /**
     * @param keepAlive whether the connection stays open after this answer
     * @param requestId sent as {@code X-Request-Id} so a refusal can be found in the audit log
     */
    public static FullHttpResponse response(Reason reason, boolean keepAlive, String requestId) {
        // A 204 (an answered CORS preflight) has no body, and no Content-Length either (RFC 9110 §8.6).
        boolean empty = reason.status() == 204;
        ByteBuf body = empty ? Unpooled.EMPTY_BUFFER : BODIES[reason.ordinal()].duplicate();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(reason.status()), body);
        if (!empty) {
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        }
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (requestId != null) {
            res.headers().set("X-Request-Id", requestId);
        }
        String challenge = CHALLENGES[reason.ordinal()];
        if (challenge != null) {
            res.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        }
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return res;
    }
}
