package dev.portcullis.server;

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
import java.util.List;

/**
 * The sign-in flow's answers to a browser: redirects, and short HTML pages (an error with its
 * request id and a link to start again, the sign-out button, "signed out"). Never a stack trace,
 * never anything the request sent reflected back; {@code Cache-Control: no-store}, a
 * {@code Content-Security-Policy} that allows no script and posts forms to this origin only,
 * {@code Referrer-Policy: no-referrer} (the callback's URL holds the code).
 */
final class SignInPages {
    static final String CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'";
    static final String SIGN_IN_PATH = "/.portcullis/sign_in";
    static final String SIGN_OUT_PATH = "/.portcullis/sign_out";

    private SignInPages() {
    }

    /** A redirect ({@code status} 302 or 303) to {@code location}, setting {@code cookies}. */
    static FullHttpResponse redirect(int status, String location, List<String> cookies, String requestId,
            boolean keepAlive) {
        FullHttpResponse res = respond(HttpResponseStatus.valueOf(status), Unpooled.EMPTY_BUFFER, requestId, keepAlive);
        res.headers().set(HttpHeaderNames.LOCATION, location);
        cookies.forEach(c -> res.headers().add(HttpHeaderNames.SET_COOKIE, c));
        return res;
    }

    /** The error page of a sign-in that did not work out. */
    static FullHttpResponse error(Reason reason, String requestId, List<String> cookies, boolean keepAlive) {
        return error(reason, requestId, cookies, keepAlive, null);
    }

    /** The same, its "sign in again" link coming back to {@code returnTo} (a validated path), when known. */
    static FullHttpResponse error(Reason reason, String requestId, List<String> cookies, boolean keepAlive,
            String returnTo) {
        String again = SIGN_IN_PATH + (returnTo == null || returnTo.equals("/") ? ""
                : "?rd=" + java.net.URLEncoder.encode(returnTo, StandardCharsets.UTF_8));
        String body = page(title(reason), "<p>" + message(reason) + "</p>"
                + "<p><a href=\"" + escape(again) + "\">Sign in again</a></p>"
                + "<p><small>Reason <code>" + reason.code() + "</code>, request id <code>" + escape(requestId)
                + "</code>: quote them when you ask for help.</small></p>");
        FullHttpResponse res = html(HttpResponseStatus.valueOf(reason.status()), body, requestId, keepAlive);
        cookies.forEach(c -> res.headers().add(HttpHeaderNames.SET_COOKIE, c));
        return res;
    }

    /** {@code GET /.portcullis/sign_out}: a button that POSTs the sign-out (no script). */
    static FullHttpResponse signOutForm(String requestId, boolean keepAlive) {
        return html(HttpResponseStatus.OK, page("Sign out", "<form method=\"post\" action=\"" + SIGN_OUT_PATH
                + "\"><button type=\"submit\">Sign out</button></form>"), requestId, keepAlive);
    }

    /** The page after a sign-out that does not go on to the issuer. */
    static FullHttpResponse signedOut(String requestId, List<String> cookies, boolean keepAlive) {
        FullHttpResponse res = html(HttpResponseStatus.OK, page("Signed out", "<p>You are signed out.</p>"
                + "<p><a href=\"" + SIGN_IN_PATH + "\">Sign in again</a></p>"), requestId, keepAlive);
        cookies.forEach(c -> res.headers().add(HttpHeaderNames.SET_COOKIE, c));
        return res;
    }

    private static String title(Reason r) {
        return switch (r) {
            case SIGN_IN_DENIED -> "Sign-in declined";
            case SIGN_IN_UNAVAILABLE -> "Sign-in unavailable";
            case CSRF_REJECTED -> "Sign-out refused";
            default -> "Sign-in failed";
        };
    }

    private static String message(Reason r) {
        return switch (r) {
            case SIGN_IN_DENIED -> "The sign-in was declined at the identity provider.";
            case SIGN_IN_STATE_INVALID -> "This sign-in is unknown, expired or was already used in this browser."
                    + " Start again from the page you wanted.";
            case SIGN_IN_CODE_REJECTED -> "The identity provider did not accept this sign-in (it may have been"
                    + " used already).";
            case ID_TOKEN_INVALID -> "The identity provider's answer could not be verified.";
            case SIGN_IN_UNAVAILABLE -> "The identity provider cannot be reached yet. Try again in a moment.";
            case CSRF_REJECTED -> "Sign-out must come from this site's own page.";
            default -> "The identity provider could not complete the sign-in. Try again in a moment.";
        };
    }

    private static String page(String title, String content) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + title + "</title>"
                + "<meta name=\"viewport\" content=\"width=device-width\"></head><body style=\"font-family:"
                + "sans-serif;max-width:36em;margin:3em auto\"><h1>" + title + "</h1>" + content + "</body></html>";
    }

    private static FullHttpResponse html(HttpResponseStatus status, String body, String requestId, boolean keepAlive) {
        FullHttpResponse res = respond(status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8), requestId,
                keepAlive);
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
        return res;
    }

    private static FullHttpResponse respond(HttpResponseStatus status, ByteBuf content, String requestId,
            boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
        res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, content.readableBytes())
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE)
                .set("Content-Security-Policy", CSP)
                .set("X-Content-Type-Options", "nosniff")
                .set("Referrer-Policy", "no-referrer")
                .set("X-Request-Id", requestId);
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return res;
    }

    /** HTML-escapes the few characters that matter in text and attribute values. */
    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
