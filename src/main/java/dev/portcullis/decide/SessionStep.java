package dev.portcullis.decide;

import dev.portcullis.authn.TokenAuthenticator;
import dev.portcullis.decide.Verdict.AwaitKeys;
import dev.portcullis.decide.Verdict.Forward;
import dev.portcullis.decide.Verdict.Refuse;
import dev.portcullis.decide.Verdict.Step;
import dev.portcullis.membership.MembershipCheck;
import dev.portcullis.route.RequestTarget;
import dev.portcullis.session.SameOrigin;
import dev.portcullis.session.SessionCheck;
import dev.portcullis.session.SessionEvents.RefreshOutcome;
import dev.portcullis.session.SessionLookup;
import dev.portcullis.vocab.BlockList;
import dev.portcullis.vocab.Reason;
import java.util.concurrent.CompletableFuture;

/**
 * The decision's <b>session</b> step, on a {@code login: browser} route for a request without
 * {@code Authorization} (with one, the bearer path runs as on any route and the cookie is ignored):
 *
 * <ul>
 *   <li>no usable session (no cookie, an unknown or ended one, idle, past {@code session_max_age},
 *       its refresh refused): a navigation gets {@code sign_in_required} (302 to the issuer);
 *       anything else 401: {@code token_missing} without a cookie, {@code session_expired} with one;</li>
 *   <li>a refresh under way (or due): {@link Verdict.AwaitSession}, then {@link Decider#resumeSession};</li>
 *   <li>a refresh that could not reach the issuer once the access token expired: 503 {@code refresh_unavailable};</li>
 *   <li><b>CSRF</b>: a cookie-authenticated unsafe method (not GET/HEAD/OPTIONS) needs
 *       {@code Sec-Fetch-Site: same-origin}, or, without it, an {@code Origin} equal to the request's
 *       own (scheme and Host); else 403 {@code csrf_rejected}, also with neither header (fail closed:
 *       every browser that keeps {@code SameSite=Lax} cookies sends one of them), and also on a route
 *       in {@code mode: audit} (a forged request is never waved through);</li>
 *   <li>a usable session: its access token goes on to <b>authenticate</b> through the same
 *       {@link TokenAuthenticator} as a bearer token, so the caller gets exactly a bearer caller's
 *       identity, groups, membership overlay, block list, rules and audit mode.</li>
 * </ul>
 */
final class SessionStep {
    private SessionStep() {
    }

    /** @param waited the refresh the request waited for ({@link Decider#resumeSession}), or null on the first look */
    static <R> Verdict<R> decide(Decider<R> d, RequestFacts facts, R route, RequestTarget target,
            TokenAuthenticator authenticator, BlockList blocks, MembershipCheck membership, SessionCheck sessions,
            CompletableFuture<?> waited) {
        BrowserFacts b = facts.browser();
        if (b.sessionId() == null) {
            return b.navigation() ? new Refuse<>(Reason.SIGN_IN_REQUIRED, false, null, Step.SESSION, route, target,
                    null, null, null, null) : d.auditMode(Step.EXTRACT_TOKEN, Reason.TOKEN_MISSING, route, target, null, null, null);
        }
        SessionLookup l = sessions.lookup(b.sessionId(), facts.arrivalMillis(), waited == null);
        String refreshEvent = refreshEvent(waited);
        if (l instanceof SessionLookup.Refreshing r) {
            return new Verdict.AwaitSession<>(r.done(), route, target);
        }
        if (l instanceof SessionLookup.Unavailable) {
            return new Refuse<>(Reason.REFRESH_UNAVAILABLE, false, null, Step.SESSION, route, target, null, null, null,
                    new SessionUse(null, null, false, "refresh_failed", 0));
        }
        if (l instanceof SessionLookup.Ended e) {
            SessionUse ended = SessionUse.ended(refreshEvent != null ? refreshEvent : e.reason().code());
            if (b.navigation()) {
                return new Refuse<>(Reason.SIGN_IN_REQUIRED, false, null, Step.SESSION, route, target, null, null,
                        null, ended);
            }
            return attach(d.auditMode(Step.SESSION, Reason.SESSION_EXPIRED, route, target, null, null, null), ended);
        }
        SessionLookup.Usable u = (SessionLookup.Usable) l;
        SessionUse use = new SessionUse(u.session().tokens().accessToken(), u.newId(), false,
                refreshEvent != null ? refreshEvent : u.event(), u.remainingMillis());
        if (!csrfSafe(facts)) {
            return new Refuse<>(Reason.CSRF_REJECTED, false, null, Step.CSRF, route, target, null, null, null, use);
        }
        return attach(d.authenticate(facts, route, target, use.accessToken(), authenticator, blocks, membership, true),
                use);
    }

    /**
     * Whether a cookie-authenticated request may have been sent by another site's page: safe
     * methods change nothing (and {@code SameSite=Lax} already sends the cookie on cross-site
     * top-level GETs, which is how links into the app work). An unsafe one must be same-origin.
     */
    static boolean csrfSafe(RequestFacts facts) {
        String m = facts.method();
        if (m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS")) {
            return true;
        }
        BrowserFacts b = facts.browser();
        String host = facts.hosts().size() == 1 ? facts.hosts().get(0) : null;
        // the same rule as sign-out's: one class, so the two can never drift apart
        return b.scheme() != null && SameOrigin.allowed(b.secFetchSite(), facts.cors().origin(), b.scheme(), host);
    }

    private static String refreshEvent(CompletableFuture<?> waited) {
        if (waited == null) {
            return null;
        }
        if (!waited.isDone() || waited.isCompletedExceptionally()) {
            return "refresh_failed"; // the wait ran out
        }
        Object outcome = waited.getNow(null);
        // null: the wait was the fetch of a session from the fleet's store, with no refresh
        return outcome == null ? null : outcome == RefreshOutcome.REFRESHED ? "refreshed" : "refresh_failed";
    }

    /** The verdict, carrying how the session took part. */
    static <R> Verdict<R> attach(Verdict<R> v, SessionUse use) {
        if (use == null) {
            return v;
        }
        if (v instanceof Forward<R> f) {
            return new Forward<>(f.reason(), f.route(), f.target(), f.identity(), f.wouldReason(), f.directoryEvent(),
                    use);
        }
        if (v instanceof Refuse<R> r) {
            return new Refuse<>(r.reason(), r.close(), r.blocked(), r.step(), r.route(), r.target(), r.identity(),
                    r.wouldReason(), r.directoryEvent(), use);
        }
        if (v instanceof AwaitKeys<R> k) {
            return new AwaitKeys<>(k.keys(), k.token(), k.route(), k.target(), use);
        }
        return v;
    }
}
