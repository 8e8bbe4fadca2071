package dev.portcullis.forward;

import dev.portcullis.route.CorsPolicy;
import dev.portcullis.vocab.Reason;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code Access-Control-*} headers of a route whose {@code cors} the proxy answers for: it owns
 * them, so an upstream's own are removed and the route's policy is written instead. The origin
 * given is the one {@link CorsPolicy#allowOrigin} returned for the request (null: not allowed,
 * and then nothing but {@code Vary} is written). Routes without {@code cors}, and
 * {@code cors: passthrough} ones, are left as they are.
 */
public final class CorsHeaders {
    private static final String PREFLIGHT_VARY =
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
    private static final String PREFIX = "access-control-";
    private static final String ORIGIN = "Origin";

    private CorsHeaders() {
    }

    /**
     * The proxy's own answer. A preflight's 204 carries the preflight headers; a rejected preflight
     * none. Any other answer on the route (401, 403, 413, 502…) carries those of an actual response,
     * so that the page can read why it was refused (a fixed reason code, nothing the origin may
     * not see) and, on a 401, sign in again.
     */
    public static void onAnswer(HttpHeaders h, Reason reason, CorsPolicy cors, String allowOrigin) {
        if (!cors.answers()) {
            return;
        }
        boolean preflight = reason == Reason.CORS_PREFLIGHT || reason == Reason.CORS_REJECTED;
        if (preflight) {
            h.add(HttpHeaderNames.VARY, PREFLIGHT_VARY); // the answer depends on all three
        } else if (cors.variesByOrigin()) {
            h.add(HttpHeaderNames.VARY, ORIGIN);
        }
        if (allowOrigin == null || reason == Reason.CORS_REJECTED) {
            return;
        }
        if (reason == Reason.CORS_PREFLIGHT) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_METHODS, cors.allowMethods());
            setIfAny(h, HttpHeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, cors.allowHeaders());
            setIfAny(h, HttpHeaderNames.ACCESS_CONTROL_MAX_AGE, cors.maxAgeSeconds());
        }
        actual(h, cors, allowOrigin, reason != Reason.CORS_PREFLIGHT);
    }

    /** An upstream's response on the route: its own {@code Access-Control-*} go, the route's come. */
    public static void onRelayed(HttpHeaders h, CorsPolicy cors, String allowOrigin) {
        if (!cors.answers()) {
            return;
        }
        List<String> theirs = new ArrayList<>();
        for (String name : h.names()) {
            if (name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
                theirs.add(name);
            }
        }
        theirs.forEach(h::remove);
        if (cors.variesByOrigin()) {
            h.add(HttpHeaderNames.VARY, ORIGIN);
        }
        if (allowOrigin != null) {
            actual(h, cors, allowOrigin, true);
        }
    }

    private static void actual(HttpHeaders h, CorsPolicy cors, String allowOrigin, boolean expose) {
        h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowOrigin);
        if (cors.allowCredentials()) {
            h.set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
        if (expose) {
            setIfAny(h, HttpHeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, cors.exposeHeaders());
        }
    }

    private static void setIfAny(HttpHeaders h, CharSequence name, String value) {
        if (value != null) {
            h.set(name, value);
        }
    }
}
