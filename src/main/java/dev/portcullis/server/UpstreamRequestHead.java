package dev.portcullis.server;

import dev.portcullis.forward.GrpcHeaders;
import dev.portcullis.forward.RequestHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import dev.portcullis.forward.Upstream;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/** Turns an allowed request head into the one its upstream receives. */
final class UpstreamRequestHead {
    private UpstreamRequestHead() {
    }

    /**
     * Rewrites {@code x.request} for upstream {@code u}: headers filtered and the identity,
     * forwarding and trace headers set, the normalized target, HTTP/1.1.
     */
    static void rewrite(Exchange x, Upstream u, ClientAddress client, String scheme) {
        HttpRequest r = x.request;
        boolean trailers = u.multiplexed() && GrpcHeaders.acceptsTrailers(r.headers());
        RequestHeaders.rewrite(r.headers(), x.snapshot.headers(), new RequestHeaders.Context(x.identity,
                client.address(), scheme, x.clientHost, u.authority(), x.route.preserveHost(), x.route.forwardToken(),
                x.requestId, assertionHeader(x), assertion(x), x.trace, client.text()));
        if (x.sessionCookie != null) {
            dev.portcullis.forward.SessionCookieFilter.strip(r.headers(), x.sessionCookie.name(),
                    x.sessionCookie.signInPrefix());
        }
        // A session's tokens reach the upstream only with forward_token, and then as a bearer caller's would.
        if (x.session != null && x.session.accessToken() != null && x.identity != null && x.route.forwardToken()) {
            r.headers().set(io.netty.handler.codec.http.HttpHeaderNames.AUTHORIZATION,
                    "Bearer " + x.session.accessToken());
        }
        if (x.websocket) {
            dev.portcullis.forward.WebSocketHandshake.restore(r.headers(), x.websocketFields);
        }
        if (trailers) {
            // TE is hop-by-hop and goes like the rest, but HTTP/2 keeps "te: trailers" (RFC 9113 §8.2.2),
            // and gRPC servers require it. Any other TE value is still dropped.
            r.headers().set(HttpHeaderNames.TE, HttpHeaderValues.TRAILERS);
        }
        if (!x.target.isUri(r.uri())) {
            r.setUri(x.target.toUri());
        }
        r.setProtocolVersion(HttpVersion.HTTP_1_1);
    }

    private static String assertionHeader(Exchange x) {
        return x.snapshot.assertions() == null ? null : x.snapshot.assertions().header();
    }

    private static CharSequence assertion(Exchange x) {
        return x.identity == null || x.snapshot.assertions() == null ? null
                : x.snapshot.assertions().assertionFor(x.route.id(), x.identity);
    }
}
