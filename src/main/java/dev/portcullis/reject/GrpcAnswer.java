package dev.portcullis.reject;

import dev.portcullis.vocab.Reason;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * The proxy's own answers to a gRPC request ({@code content-type: application/grpc} or
 * {@code application/grpc+…}), shaped as gRPC clients expect them: a "trailers-only" response,
 * HTTP 200 with {@code grpc-status}, {@code grpc-message} (the reason code, percent-encoded as the
 * gRPC spec asks) and no body. A gRPC client reads a plain 401 or 403 as UNKNOWN or INTERNAL at
 * best, and never sees why. The status and message of each reason are built once.
 */
public final class GrpcAnswer {
    /** {@code grpc-status} codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
    public static final int UNKNOWN = 2;
    public static final int INVALID_ARGUMENT = 3;
    public static final int DEADLINE_EXCEEDED = 4;
    public static final int PERMISSION_DENIED = 7;
    public static final int RESOURCE_EXHAUSTED = 8;
    public static final int UNIMPLEMENTED = 12;
    public static final int INTERNAL = 13;
    public static final int UNAVAILABLE = 14;
    public static final int UNAUTHENTICATED = 16;

    private static final String APPLICATION_GRPC = "application/grpc";
    private static final int[] CODES = new int[Reason.values().length];
    private static final String[] CODE_TEXTS = new String[Reason.values().length];
    private static final String[] MESSAGES = new String[Reason.values().length];

    static {
        for (Reason r : Reason.values()) {
            CODES[r.ordinal()] = codeOf(r);
            CODE_TEXTS[r.ordinal()] = Integer.toString(CODES[r.ordinal()]);
            MESSAGES[r.ordinal()] = percentEncode(r.code());
        }
    }

    private GrpcAnswer() {
    }

    /**
     * Whether a request is gRPC by its {@code content-type}: {@code application/grpc}, alone or
     * followed by {@code +subtype} or parameters, in any case. gRPC-Web
     * ({@code application/grpc-web…}) is not: its clients read the status from the body.
     */
    public static boolean isGrpc(HttpHeaders headers) {
        String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
        if (type == null || !type.regionMatches(true, 0, APPLICATION_GRPC, 0, APPLICATION_GRPC.length())) {
            return false;
        }
        if (type.length() == APPLICATION_GRPC.length()) {
            return true;
        }
        char next = type.charAt(APPLICATION_GRPC.length());
        return next == '+' || next == ';' || next == ' ' || next == '\t';
    }

    /** The {@code grpc-status} the proxy's answer for {@code reason} is given, or -1: not shaped (a 2xx or 3xx of its own). */
    public static int code(Reason reason) {
        return CODES[reason.ordinal()];
    }

    /** The {@code grpc-message} of {@code reason}'s answer: its code, percent-encoded. */
    public static String message(Reason reason) {
        return MESSAGES[reason.ordinal()];
    }

    /**
     * The mapping, by the HTTP status the reason is answered with elsewhere. A refusal for what the
     * client sent (400, 413, 414, 417, 431: a malformed or oversized request) is INVALID_ARGUMENT:
     * the request itself is at fault and retrying it as it is will not help (INTERNAL would blame the
     * server). 408 (the body came too slowly) is DEADLINE_EXCEEDED. A sign-in redirect cannot be
     * followed by a gRPC client: UNAUTHENTICATED. Other 2xx and 3xx answers are the proxy's own
     * endpoints' and are not shaped.
     */
    private static int codeOf(Reason r) {
        if (r == Reason.SIGN_IN_REQUIRED) {
            return UNAUTHENTICATED;
        }
        switch (r.status()) {
            case 400, 413, 414, 417, 431: return INVALID_ARGUMENT;
            case 401: return UNAUTHENTICATED;
            case 403: return PERMISSION_DENIED;
            case 404, 405: return UNIMPLEMENTED;
            case 408, 504: return DEADLINE_EXCEEDED;
            case 429: return RESOURCE_EXHAUSTED;
            case 500: return INTERNAL;
            case 502, 503: return UNAVAILABLE;
            default: return r.status() >= 400 ? UNKNOWN : -1;
        }
    }

    /**
     * Percent-encodes {@code text} as {@code grpc-message} asks: its UTF-8 bytes outside
     * printable ASCII (0x20–0x7E), and {@code %} itself, as {@code %XX}.
     */
    public static String percentEncode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            int c = b & 0xFF;
            if (c >= 0x20 && c <= 0x7E && c != '%') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    /**
     * The trailers-only answer for {@code reason} (which must have a {@link #code}): 200,
     * {@code content-type: application/grpc}, {@code grpc-status}, {@code grpc-message}, the 401's
     * {@code WWW-Authenticate}, and an empty body, which Netty's HTTP/2 conversion sends as one
     * HEADERS frame with END_STREAM.
     *
     * @param http2 an HTTP/2 stream: no {@code Content-Length} (the end of the stream frames it)
     */
    public static FullHttpResponse response(Reason reason, boolean keepAlive, String requestId, boolean http2) {
        int code = CODES[reason.ordinal()];
        if (code < 0) {
            throw new IllegalArgumentException("no gRPC status for " + reason);
        }
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.EMPTY_BUFFER);
        HttpHeaders h = res.headers();
        h.set(HttpHeaderNames.CONTENT_TYPE, APPLICATION_GRPC)
                .set("grpc-status", CODE_TEXTS[reason.ordinal()])
                .set("grpc-message", MESSAGES[reason.ordinal()])
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
        if (!http2) {
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        if (requestId != null) {
            h.set("X-Request-Id", requestId);
        }
        String challenge = Rejections.challenge(reason);
        if (challenge != null) {
            h.set(HttpHeaderNames.WWW_AUTHENTICATE, challenge);
        }
        if (!keepAlive) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return res;
    }
}
