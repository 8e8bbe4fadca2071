package dev.portcullis.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.Map;

/**
 * The checks an HTTP/2 request head must pass before it becomes a request (RFC 9113 8.1.1, 8.2, 8.3):
 * the pseudo-headers a request needs and their shape, {@code :authority} and {@code host} naming
 * one host, no connection-specific header, lower-case names, and values without CR, LF or NUL.
 * Netty's HPACK decoder refuses much of this already (a reset); this makes each case the gate's
 * own answer, 400 {@code bad_request}, audited and counted like a malformed HTTP/1.1 request.
 * A refused stream's later frames are dropped. One per stream, before the HTTP/1 conversion.
 */
final class H2RequestCheck extends ChannelInboundHandlerAdapter {
    private static final String[] CONNECTION_SPECIFIC = {"connection", "keep-alive", "proxy-connection",
            "transfer-encoding", "upgrade"};
    private static final String[] PSEUDO = {":method", ":scheme", ":authority", ":path"};

    private boolean headSeen;
    private boolean refused;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (!headSeen && msg instanceof Http2HeadersFrame h) {
            headSeen = true;
            String problem = problem(h.headers());
            if (problem != null) {
                refused = true;
                ReferenceCountUtil.release(msg);
                DefaultHttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
                r.setDecoderResult(DecoderResult.failure(new IllegalArgumentException(problem)));
                ctx.fireChannelRead(r);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** What makes {@code h} a malformed request head, or null when it is a well-formed one. */
    static String problem(Http2Headers h) {
        CharSequence method = h.method();
        CharSequence path = h.path();
        CharSequence scheme = h.scheme();
        if (method == null || method.length() == 0) {
            return "no :method";
        }
        if (AsciiString.contentEquals(method, "CONNECT")) {
            return "CONNECT is not served"; // no tunnels to arbitrary hosts; RFC 8441 is not offered
        }
        if (scheme == null || !(AsciiString.contentEquals(scheme, "https") || AsciiString.contentEquals(scheme, "http"))) {
            return "no :scheme http or https";
        }
        if (path == null || path.length() == 0) {
            return "no :path";
        }
        if (path.charAt(0) != '/' && !(AsciiString.contentEquals(path, "*") && AsciiString.contentEquals(method, "OPTIONS"))) {
            return ":path is not origin-form";
        }
        CharSequence authority = h.authority();
        CharSequence host = null;
        int hosts = 0;
        int lengths = 0;
        int pseudoSeen = 0; // a bit per request pseudo-header: a second one is refused
        for (Map.Entry<CharSequence, CharSequence> e : h) {
            CharSequence name = e.getKey();
            CharSequence value = e.getValue();
            if (name.length() > 0 && name.charAt(0) == ':') {
                int bit = pseudoBit(name);
                if (bit == 0) {
                    return "pseudo-header " + name + " is not a request's";
                }
                if ((pseudoSeen & bit) != 0) {
                    return "pseudo-header " + name + " twice";
                }
                pseudoSeen |= bit;
            } else {
                if (hasUpperCase(name)) {
                    return "upper-case header name";
                }
                if (isConnectionSpecific(name)) {
                    return "connection-specific header " + name;
                }
                if (AsciiString.contentEquals(name, "te") && !AsciiString.contentEqualsIgnoreCase(value, "trailers")) {
                    return "te other than trailers";
                }
                // the body's length as HTTP/1.1 takes it: one header, digits only. Netty's own check lets a
                // sign-less "-1" and inner spaces through, and the value is forwarded to an HTTP/1.1 upstream
                if (AsciiString.contentEquals(name, "content-length") && (++lengths > 1 || !digits(value))) {
                    return "content-length other than one decimal number";
                }
                if (AsciiString.contentEquals(name, "host")) {
                    host = value;
                    hosts++;
                }
            }
            if (!cleanValue(value)) {
                return "CR, LF or NUL in " + name;
            }
        }
        if (hosts > 1) {
            return "host twice";
        }
        if (authority == null && host == null) {
            return "neither :authority nor host";
        }
        if (authority != null && host != null && !AsciiString.contentEqualsIgnoreCase(authority, host)) {
            return ":authority and host disagree";
        }
        return null;
    }

    /** The request pseudo-header's bit, 0 for any other name. Nothing is allocated per request here. */
    private static int pseudoBit(CharSequence name) {
        for (int i = 0; i < PSEUDO.length; i++) {
            if (AsciiString.contentEquals(name, PSEUDO[i])) {
                return 1 << i;
            }
        }
        return 0;
    }

    private static boolean isConnectionSpecific(CharSequence name) {
        for (String c : CONNECTION_SPECIFIC) {
            if (AsciiString.contentEquals(name, c)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasUpperCase(CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 'A' && c <= 'Z') {
                return true;
            }
        }
        return false;
    }

    private static boolean digits(CharSequence v) {
        if (v.length() == 0 || v.length() > 18) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) < '0' || v.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Netty found the stream malformed after it opened (a content-length the DATA does not match, or
     * one it cannot read): RST_STREAM with that error (PROTOCOL_ERROR, RFC 9113 8.1.1) rather than the
     * CANCEL the stream channel's close would send. The exchange then ends as any reset one does.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof Http2Exception e && ctx.channel().isActive()) {
            ctx.writeAndFlush(new DefaultHttp2ResetFrame(e.error()));
        }
        ctx.fireExceptionCaught(cause);
    }

    private static boolean cleanValue(CharSequence v) {
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                return false;
            }
        }
        return true;
    }
}
