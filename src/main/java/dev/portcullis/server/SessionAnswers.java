package dev.portcullis.server;

import dev.portcullis.decide.SessionUse;
import dev.portcullis.reject.Rejections;
import dev.portcullis.session.SessionCookie;
import dev.portcullis.vocab.Reason;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * The session's part in what the client is answered ({@code login: browser} routes): the sign-in
 * redirect for {@code sign_in_required}, the cleared cookie when the cookie named no usable
 * session, and the new cookie on a relayed response after a rotation.
 */
final class SessionAnswers {
    private SessionAnswers() {
    }

    /**
     * The proxy's own answer for {@code reason}: {@code sign_in_required} is the {@link SignIn}'s
     * redirect to the route's issuer (coming back to the request's raw path and query); anything
     * else the usual refusal. Without a {@link SignIn} (not wired), the browser gets 401
     * {@code session_expired}'s body instead of a redirect to nowhere; the audit line keeps the reason.
     */
    static FullHttpResponse response(Reason reason, boolean keepAlive, Exchange x, Gate gate, String scheme) {
        FullHttpResponse res;
        SignIn signIn = gate.signIn();
        if (reason == Reason.SIGN_IN_REQUIRED && signIn != null && x.route != null && x.clientHost != null) {
            res = signIn.start(x.route.routePolicy().loginIssuer(), scheme, x.clientHost, x.request.uri(),
                    x.requestId, keepAlive, x.request.headers().get(io.netty.handler.codec.http.HttpHeaderNames.COOKIE));
        } else {
            res = Rejections.response(reason == Reason.SIGN_IN_REQUIRED && signIn == null ? Reason.SESSION_EXPIRED
                    : reason, keepAlive, x.requestId);
        }
        onRelayed(res.headers(), x); // a refusal after a rotation still hands the browser its new id
        return res;
    }

    /** Any answer: the rotated session's new cookie, or the ended session's cleared one. */
    static void onRelayed(HttpHeaders headers, Exchange x) {
        SessionUse use = x.session;
        SessionCookie cookie = x.sessionCookie;
        if (use == null || cookie == null) {
            return;
        }
        if (use.newId() != null) {
            headers.add(HttpHeaderNames.SET_COOKIE, cookie.set(use.newId(), Math.max(1, use.remainingMillis() / 1000)));
        } else if (use.clearCookie()) {
            headers.add(HttpHeaderNames.SET_COOKIE, cookie.clear());
        }
    }
}
