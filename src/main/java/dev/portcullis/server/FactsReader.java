package dev.portcullis.server;

import dev.portcullis.decide.BrowserFacts;
import dev.portcullis.decide.CorsFacts;
import dev.portcullis.decide.Decider;
import dev.portcullis.decide.RequestFacts;
import dev.portcullis.decide.RequestFacts.DecoderFailure;
import dev.portcullis.decide.RequestFacts.Expect;
import dev.portcullis.decide.RequestFacts.Version;
import dev.portcullis.compile.Route;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Reads the {@link RequestFacts} of a decoded request head: the one place Netty meets the decision core. */
final class FactsReader {
    /** The decision core over the proxy's compiled routes. */
    static final Decider<Route> DECIDER = Route.DECIDER;

    private FactsReader() {
    }

    static RequestFacts read(HttpRequest r, String method, String clientKey, long arrivalMillis) {
        HttpHeaders h = r.headers();
        return new RequestFacts(method, version(r.protocolVersion()), failure(r), r.uri(), h.getAll(HttpHeaderNames.HOST),
                expect(r), h.size(), RequestChecks.plainTransferCoding(h), h.getAll(HttpHeaderNames.AUTHORIZATION),
                clientKey, arrivalMillis, cors(r, method));
    }

    /**
     * {@link #read}, with the session cookie and fetch metadata when sessions are on.
     *
     * @param cookieName the running config's session cookie name, or null: sessions are off and
     *                   nothing more is read
     * @param scheme     the client listener's scheme
     */
    static RequestFacts read(HttpRequest r, String method, String clientKey, long arrivalMillis, String cookieName,
            String scheme) {
        RequestFacts facts = read(r, method, clientKey, arrivalMillis);
        return cookieName == null ? facts : facts.withBrowser(browser(r.headers(), method, cookieName, scheme));
    }

    /** Cheap header lookups; the Cookie header is decoded only when there is one. */
    static BrowserFacts browser(HttpHeaders h, String method, String cookieName, String scheme) {
        String site = single(h.getAll(SEC_FETCH_SITE));
        String mode = single(h.getAll(SEC_FETCH_MODE));
        String sessionId = null;
        if (h.contains(HttpHeaderNames.COOKIE)) {
            for (String header : h.getAll(HttpHeaderNames.COOKIE)) {
                for (Cookie c : ServerCookieDecoder.STRICT.decode(header)) {
                    if (c.name().equals(cookieName)) {
                        // the same cookie twice with different values: neither is believed
                        sessionId = sessionId == null || sessionId.equals(c.value()) ? c.value() : "";
                    }
                }
            }
        }
        return new BrowserFacts(sessionId, site, mode,
                BrowserFacts.isNavigation(method, mode, h.get(HttpHeaderNames.ACCEPT)), scheme);
    }

    private static final String SEC_FETCH_SITE = "sec-fetch-site";
    private static final String SEC_FETCH_MODE = "sec-fetch-mode";

    /** One value, or null; sent twice: {@code ""}, which matches nothing (fail closed). */
    private static String single(List<String> values) {
        return values.isEmpty() ? null : values.size() == 1 ? values.get(0) : "";
    }

    /**
     * Method and URL override headers, as frameworks read them (any case, {@code _} or {@code .} for
     * {@code -}): an {@code OPTIONS} that carries one may be served as another method, so it is no preflight.
     */
    private static final Set<String> OVERRIDE_HEADERS = Set.of("x-http-method-override", "x-http-method",
            "x-method-override", "x-original-method", "x-original-url", "x-rewrite-url");

    /** {@code Origin}, and on an {@code OPTIONS} what a preflight asks for: read only when an Origin came. */
    static CorsFacts cors(HttpRequest r, String method) {
        HttpHeaders h = r.headers();
        if (!h.contains(HttpHeaderNames.ORIGIN)) {
            return CorsFacts.NONE;
        }
        List<String> origins = h.getAll(HttpHeaderNames.ORIGIN);
        String origin = origins.size() == 1 ? origins.get(0) : null; // two Origins: none is believed
        if (!method.equals("OPTIONS")) {
            return CorsFacts.from(origin);
        }
        List<String> asked = h.getAll(HttpHeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        List<String> askedHeaders = h.getAll(HttpHeaderNames.ACCESS_CONTROL_REQUEST_HEADERS);
        boolean override = false;
        for (String name : h.names()) {
            override |= OVERRIDE_HEADERS.contains(name.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-'));
        }
        boolean body = h.contains(HttpHeaderNames.TRANSFER_ENCODING) || Admission.declaredLength(r) != 0;
        return new CorsFacts(origin, asked.size() == 1 ? asked.get(0) : null,
                askedHeaders.isEmpty() ? null : String.join(",", askedHeaders), override, body);
    }

    private static Version version(HttpVersion v) {
        return v.equals(HttpVersion.HTTP_1_1) ? Version.HTTP_1_1
                : v.equals(HttpVersion.HTTP_1_0) ? Version.HTTP_1_0 : Version.OTHER;
    }

    private static DecoderFailure failure(HttpRequest r) {
        if (!r.decoderResult().isFailure()) {
            return DecoderFailure.NONE;
        }
        Throwable cause = r.decoderResult().cause();
        return cause instanceof TooLongHttpLineException ? DecoderFailure.LINE_TOO_LONG
                : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException
                ? DecoderFailure.HEADERS_TOO_LARGE : DecoderFailure.MALFORMED;
    }

    /** Netty's reading of {@code 100-continue} (HTTP/1.1 and later, case-insensitive), so nothing changes. */
    private static Expect expect(HttpRequest r) {
        if (r.headers().get(HttpHeaderNames.EXPECT) == null) {
            return Expect.NONE;
        }
        return HttpUtil.is100ContinueExpected(r) ? Expect.CONTINUE : Expect.OTHER;
    }
}
