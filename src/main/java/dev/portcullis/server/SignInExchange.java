package dev.portcullis.server;

import dev.portcullis.oidc.IdTokenVerifier;
import dev.portcullis.session.SameOrigin;
import dev.portcullis.oidc.SignInState;
import dev.portcullis.oidc.TokenEndpointError;
import dev.portcullis.session.Session;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.Sessions;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.ssl.SslHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request to the sign-in endpoints, taken by {@link OwnEndpoint}: {@code /.portcullis/sign_in}
 * (starts a sign-in), {@code /.portcullis/callback} (finishes it) and {@code /.portcullis/sign_out}.
 * It runs once the request is complete (a body, at most 16 KiB, is read and dropped); the callback's
 * code exchange runs off the loop and resumes on the connection's event loop. Every way out ends the
 * exchange through the owner, with its own reason (audit line, {@code portcullis_requests_total}).
 */
final class SignInExchange {
    static final String CALLBACK = "/.portcullis/callback";
    private static final Set<String> PATHS = Set.of(SignInPages.SIGN_IN_PATH, CALLBACK, SignInPages.SIGN_OUT_PATH);
    private static final int MAX_BODY = 16 * 1024;
    private static final Logger log = LoggerFactory.getLogger(SignInExchange.class);

    private final FrontendHandler owner;
    private final ChannelHandlerContext ctx;
    private final Gate gate;
    private final Exchange x;
    private final SignInFlow flow;
    private final HttpRequest request;
    private final String path;
    private final String scheme;
    private long bodyBytes;
    private boolean ran;

    SignInExchange(FrontendHandler owner, ChannelHandlerContext ctx, Gate gate, Exchange x, SignInFlow flow,
            HttpRequest request, String path) {
        this.owner = owner;
        this.ctx = ctx;
        this.gate = gate;
        this.x = x;
        this.flow = flow;
        this.request = request;
        this.path = path;
        this.scheme = ctx.pipeline().get(SslHandler.class) != null ? "https" : "http";
        x.rawTarget = path; // the audit line's path: never the callback's query, which holds the code
    }

    static boolean serves(String path) {
        return PATHS.contains(path);
    }

    /** The request head came; a request without a body runs at once. */
    void begin() {
        if (request instanceof LastHttpContent) {
            x.requestComplete = true;
            run();
        }
    }

    /** A piece of the body: counted and dropped; at its end the request runs. */
    void content(HttpContent c) {
        if (ran) {
            return;
        }
        if (c.decoderResult().isFailure()) {
            ran = true;
            owner.end(Outcome.refused(Reason.BAD_REQUEST, true));
            return;
        }
        bodyBytes += c.content().readableBytes();
        if (bodyBytes > MAX_BODY) {
            ran = true;
            owner.end(Outcome.refused(Reason.BODY_TOO_LARGE, true));
            return;
        }
        if (c instanceof LastHttpContent) {
            x.requestComplete = true;
            run();
        }
    }

    private void run() {
        ran = true;
        HttpMethod m = request.method();
        boolean read = m.equals(HttpMethod.GET) || m.equals(HttpMethod.HEAD);
        if (path.equals(SignInPages.SIGN_OUT_PATH)) {
            if (read) {
                send(SignInPages.signOutForm(x.requestId, keepAlive()), Reason.SIGN_OUT_PAGE, 200);
            } else if (m.equals(HttpMethod.POST)) {
                signOut();
            } else {
                owner.end(Outcome.refused(Reason.METHOD_NOT_ALLOWED, false));
            }
        } else if (!read) {
            owner.end(Outcome.refused(Reason.METHOD_NOT_ALLOWED, false));
        } else if (path.equals(CALLBACK)) {
            if (m.equals(HttpMethod.GET)) {
                callback(new QueryStringDecoder(request.uri()));
            } else {
                owner.end(Outcome.refused(Reason.METHOD_NOT_ALLOWED, false)); // a HEAD must not take the state
            }
        } else {
            startSignIn(new QueryStringDecoder(request.uri()));
        }
    }

    /** {@code GET /.portcullis/sign_in?rd=<path>[&issuer=<id>]}: as a navigation on a route would. */
    private void startSignIn(QueryStringDecoder q) {
        String issuerId = one(q, "issuer");
        if (issuerId == null) {
            issuerId = flow.defaultIssuer();
        }
        if (flow.client(issuerId) == null) {
            owner.end(Outcome.refused(Reason.NO_ROUTE, false));
            return;
        }
        FullHttpResponse res = flow.start(issuerId, scheme, host(), one(q, "rd"), x.requestId, keepAlive(),
                cookieHeader());
        send(res, res.status().code() == 302 ? Reason.SIGN_IN_REQUIRED : Reason.SIGN_IN_UNAVAILABLE,
                res.status().code());
    }

    private void callback(QueryStringDecoder q) {
        String state = one(q, "state");
        Set<Cookie> cookies = SignInFlow.cookies(cookieHeader());
        String name = state == null ? null : flow.cookies().name(state);
        Cookie held = name == null ? null : find(cookies, name);
        SignInState st = held == null ? null : flow.cookies().open(held.value(), flow.clock().millis());
        // The state must be the one this browser's cookie was sealed with; nothing else proves that
        // the browser that comes back is the one that left (RFC 6749 §10.12). Each state is taken once.
        if (st == null || !same(st.state(), state) || !flow.firstUse(st.state())) {
            fail(Reason.SIGN_IN_STATE_INVALID, held == null ? List.of() : List.of(flow.cookies().clear(name)));
            return;
        }
        List<String> clear = List.of(flow.cookies().clear(name));
        String error = one(q, "error");
        String code = one(q, "code");
        SignInFlow.Client client = flow.client(st.issuerId());
        String back = st.returnTo();
        if (error != null) {
            fail("access_denied".equals(error) ? Reason.SIGN_IN_DENIED : Reason.SIGN_IN_FAILED, clear, back);
        } else if (code == null) {
            fail(Reason.SIGN_IN_CODE_REJECTED, clear, back);
        } else if (client == null || gate.sessions() == null) {
            fail(Reason.SIGN_IN_STATE_INVALID, clear, back); // the issuer's client was removed since
        } else {
            String requestId = x.requestId;
            String previous = sessionId(cookies);
            flow.complete(client, st, code, SignInFlow.redirectUri(client, scheme, host()))
                    .whenCompleteAsync((done, e) -> {
                        if (!ctx.channel().isActive() || x.audited || !requestId.equals(x.requestId)) {
                            return; // the client left meanwhile: its exchange ended as client_closed
                        }
                        if (e != null) {
                            fail(failure(e), clear, back);
                        } else {
                            signedIn(client, st, done, previous, clear.get(0));
                        }
                    }, ctx.channel().eventLoop());
        }
    }

    private void signedIn(SignInFlow.Client client, SignInState st, SignInFlow.Completed done, String previous,
            String clearSignIn) {
        Sessions sessions = gate.sessions();
        String id = sessions.start(st.issuerId(), done.subject(), done.tokens(), previous, flow.clock().millis());
        String set = flow.sessionCookie().set(id, client.config().sessionMaxAge().toSeconds());
        // The audit line says who signed in (no groups, no claims: those are each request's own).
        x.identity = new Identity(st.issuerId(), done.subject(), Set.of(), Set.of(), null, null,
                client.config().clientId(), done.tokens().expiresAtMillis() / 1000, java.util.Map.of());
        send(SignInPages.redirect(302, st.returnTo(), List.of(set, clearSignIn), x.requestId, keepAlive()),
                Reason.SIGNED_IN, 302);
    }

    private Reason failure(Throwable e) {
        Throwable t = e;
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        log.debug("sign-in {} failed: {}", x.requestId, t.toString());
        if (t instanceof IdTokenVerifier.Invalid) {
            return Reason.ID_TOKEN_INVALID;
        }
        if (t instanceof TokenEndpointError te) {
            // invalid_grant: a replayed or expired code, a PKCE verifier that does not match. Other
            // errors (invalid_client, unauthorized_client) are the client's setup: the issuer's side.
            return "invalid_grant".equals(te.error()) || "invalid_request".equals(te.error())
                    ? Reason.SIGN_IN_CODE_REJECTED : Reason.SIGN_IN_FAILED;
        }
        return Reason.SIGN_IN_FAILED;
    }

    /**
     * {@code POST /.portcullis/sign_out}: same-origin only ({@code Sec-Fetch-Site}, else
     * {@code Origin}), so that no other site can sign a user out; ends the session, clears the
     * cookie, and goes on to the issuer's {@code end_session_endpoint} when
     * {@code post_logout_redirect_uri} is set.
     */
    private void signOut() {
        if (!SameOrigin.allowed(request.headers().get("Sec-Fetch-Site"), request.headers().get(HttpHeaderNames.ORIGIN),
                scheme, host())) {
            fail(Reason.CSRF_REJECTED, List.of());
            return;
        }
        String id = sessionId(SignInFlow.cookies(cookieHeader()));
        Sessions sessions = gate.sessions();
        Session s = id == null || sessions == null ? null : sessions.store().get(SessionIds.key(id));
        String idToken = s == null ? null : s.tokens().idToken();
        if (id != null && sessions != null) {
            sessions.end(id);
        }
        List<String> clear = List.of(flow.sessionCookie().clear());
        SignInFlow.Client client = flow.client(s != null ? s.issuerId() : flow.defaultIssuer());
        String endSession = client == null ? null : flow.endSessionUrl(client, idToken);
        if (endSession != null) {
            send(SignInPages.redirect(303, endSession, clear, x.requestId, keepAlive()), Reason.SIGNED_OUT, 303);
        } else {
            send(SignInPages.signedOut(x.requestId, clear, keepAlive()), Reason.SIGNED_OUT, 200);
        }
    }

    private String sessionId(Set<Cookie> cookies) {
        Cookie c = find(cookies, flow.sessionCookie().name());
        return c != null && SessionIds.wellFormed(c.value()) ? c.value() : null;
    }

    private void fail(Reason reason, List<String> cookies) {
        fail(reason, cookies, null);
    }

    /** @param returnTo the sign-in's (validated) return path, for the page's "sign in again" link; or null */
    private void fail(Reason reason, List<String> cookies, String returnTo) {
        send(SignInPages.error(reason, x.requestId, cookies, keepAlive(), returnTo), reason, reason.status());
    }

    private void send(FullHttpResponse res, Reason reason, int status) {
        if (request.method().equals(HttpMethod.HEAD)) {
            res.content().clear();
        }
        ctx.writeAndFlush(res);
        owner.end(Outcome.finished(reason, status));
    }

    private boolean keepAlive() {
        return x.clientKeepAlive && x.requestComplete;
    }

    private String host() {
        String h = request.headers().get(HttpHeaderNames.HOST);
        return h == null ? "" : h;
    }

    private String cookieHeader() {
        List<String> all = request.headers().getAll(HttpHeaderNames.COOKIE);
        return all.isEmpty() ? null : String.join("; ", all);
    }

    private static Cookie find(Set<Cookie> cookies, String name) {
        for (Cookie c : cookies) {
            if (c.name().equals(name)) {
                return c;
            }
        }
        return null;
    }

    private static String one(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.size() != 1 || v.get(0).isEmpty() ? null : v.get(0);
    }

    private static boolean same(String a, String b) {
        return b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII),
                b.getBytes(StandardCharsets.US_ASCII));
    }
}
