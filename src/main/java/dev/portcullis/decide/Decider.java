package dev.portcullis.decide;

import dev.portcullis.authn.AuthResult;
import dev.portcullis.authn.BearerToken;
import dev.portcullis.authn.TokenAuthenticator;
import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.ServerConfig;
import dev.portcullis.decide.RequestFacts.Expect;
import dev.portcullis.decide.Verdict.Forward;
import dev.portcullis.decide.Verdict.Refuse;
import dev.portcullis.decide.Verdict.Step;
import dev.portcullis.vocab.BlockList;
import dev.portcullis.vocab.Blocked;
import dev.portcullis.vocab.HostName;
import dev.portcullis.route.CorsPolicy;
import dev.portcullis.route.MethodOverride;
import dev.portcullis.route.PathNormalizer;
import dev.portcullis.route.RequestTarget;
import dev.portcullis.route.RouteTable;
import dev.portcullis.membership.MembershipCheck;
import dev.portcullis.session.SessionCheck;
import java.util.Objects;

/**
 * The request path's decision, in one place, with no I/O: the proxy's handler, {@code portcullis
 * explain}/{@code test} and the fuzz tests all call {@link #decide}. The steps run in request
 * order, each a method of its own:
 *
 * <ol>
 *   <li><b>blockedClient</b>: a blocked client is refused (429/403, closing) before anything of
 *       its request is looked at, a malformed head included;</li>
 *   <li><b>checkHead</b>: decoder failures (414, 431, 400), the version, an upper-case method, a
 *       plain transfer coding, the header count, exactly one Host on HTTP/1.1;</li>
 *   <li><b>normalize</b>: a usable Host, an absolute-form target naming the same host, then
 *       {@link PathNormalizer#normalize} (400, 400 {@code path_rejected});</li>
 *   <li><b>route</b>: {@link RouteTable#match} on host and normalized path (404, keeping the connection);</li>
 *   <li><b>methodOverride</b> and <b>expect</b>: a {@code _method} query parameter (unless
 *       allowed) and an {@code Expect} other than {@code 100-continue} (417), public routes too;</li>
 *   <li><b>preflight</b>: on a route with {@code cors}, a CORS preflight (see {@link #preflight}) is
 *       answered without a token (204 {@code cors_preflight} or 403 {@code cors_rejected}), or, with
 *       {@code cors: passthrough}, forwarded as {@code cors_passthrough}; anything else goes on;</li>
 *   <li>a public route forwards here, as {@code public_route};</li>
 *   <li><b>session</b>: on a {@code login: browser} route, a request without {@code Authorization}
 *       is judged by its session cookie ({@link SessionStep}): sign-in, 401, a refresh wait
 *       ({@link Verdict.AwaitSession}), a CSRF refusal, or the session's access token on to
 *       authenticate, exactly as a bearer token;</li>
 *   <li><b>extractToken</b>, <b>authenticate</b> (which may answer {@link Verdict.AwaitKeys}),
 *       <b>blockedSubject</b>, <b>membership</b> (the directory's changes since the token was issued,
 *       see {@link MembershipStep}), <b>authorize</b> (with the would-be reason of {@code mode: audit} entries);</li>
 *   <li><b>auditMode</b>: on a route in {@code mode: audit}, every 401 and 403 refusal above is
 *       forwarded as {@code audit_mode} with the refusal as its would-be reason (and no identity
 *       after a 401); 503 and the head's refusals never are.</li>
 * </ol>
 *
 * <p>Which authenticator and which block list run are the caller's: the proxy passes its
 * snapshot's {@code Authenticator} and the running detection, the tools a stated caller and
 * {@link BlockList#NONE}. A decider is stateless and shared; per request it allocates the verdict.
 *
 * @param <R> the route type of the table it decides over
 */
public final class Decider<R> {
    private final RouteView<R> view;

    public Decider(RouteView<R> view) {
        this.view = Objects.requireNonNull(view, "view");
    }

    /**
     * Decides one request head.
     *
     * @param limits the server limits of the snapshot the request is judged by
     *               ({@code max_header_count}, {@code max_token_bytes})
     */
    public Verdict<R> decide(RequestFacts facts, RouteTable<R> routes, ServerConfig limits,
            TokenAuthenticator authenticator, BlockList blocks) {
        return decide(facts, routes, limits, authenticator, blocks, MembershipCheck.OFF);
    }

    /** {@link #decide}, with the membership overlay ({@link MembershipCheck#OFF} when it is not on). */
    public Verdict<R> decide(RequestFacts facts, RouteTable<R> routes, ServerConfig limits,
            TokenAuthenticator authenticator, BlockList blocks, MembershipCheck membership) {
        return decide(facts, routes, limits, authenticator, blocks, membership, SessionCheck.OFF);
    }

    /** {@link #decide}, with the membership overlay and browser sessions ({@link SessionCheck#OFF}: none). */
    public Verdict<R> decide(RequestFacts facts, RouteTable<R> routes, ServerConfig limits,
            TokenAuthenticator authenticator, BlockList blocks, MembershipCheck membership, SessionCheck sessions) {
        Blocked client = blockedClient(facts, blocks);
        if (client != null) {
            return new Refuse<>(reasonFor(client), true, client, Step.BLOCKED_CLIENT, null, null, null, null);
        }
        Reason head = HeadCheck.check(facts, limits);
        if (head != null) {
            return refuse(Step.CHECK_HEAD, head, null, null);
        }
        String host = facts.hosts().isEmpty() ? null : HostName.fromAuthority(facts.hosts().get(0));
        if (host == null && !facts.hosts().isEmpty()) {
            return refuse(Step.NORMALIZE, Reason.BAD_REQUEST, null, null);
        }
        RequestTarget target = normalize(facts.rawTarget(), host);
        if (target == null) {
            return refuse(Step.NORMALIZE, Reason.PATH_REJECTED, null, null);
        }
        R route = routes.match(host, target.path());
        if (route == null) {
            return new Refuse<>(Reason.NO_ROUTE, false, null, Step.ROUTE, null, target, null, null);
        }
        if (methodOverride(route, target)) {
            return refuse(Step.METHOD_OVERRIDE, Reason.METHOD_OVERRIDE_REJECTED, route, target);
        }
        if (facts.expect() == Expect.OTHER) {
            return refuse(Step.EXPECT, Reason.EXPECTATION_FAILED, route, target);
        }
        Verdict<R> preflight = preflight(facts, route, target);
        if (preflight != null) {
            return preflight;
        }
        if (view.of(route).access().isPublic()) {
            return new Forward<>(Reason.PUBLIC_ROUTE, route, target, null, null);
        }
        if (facts.authorization().isEmpty() && view.of(route).browserLogin()) {
            return SessionStep.decide(this, facts, route, target, authenticator, blocks, membership, sessions, null);
        }
        Reason noToken = BearerToken.refusal(facts.authorization(), limits.maxTokenBytes());
        if (noToken != null) {
            return auditMode(Step.EXTRACT_TOKEN, noToken, route, target, null, null);
        }
        String value = facts.authorization().get(0); // the token is a region of it, not cut out on a cache hit
        return authenticate(facts, route, target, value, BearerToken.start(value), BearerToken.end(value),
                authenticator, blocks, membership, true);
    }

    /**
     * Continues a request that waited for keys, from the authenticate step, without waiting again:
     * keys that are still missing now are a refusal (503), not another wait.
     */
    public Verdict<R> resume(RequestFacts facts, Verdict.AwaitKeys<R> waited, TokenAuthenticator authenticator,
            BlockList blocks) {
        return resume(facts, waited, authenticator, blocks, MembershipCheck.OFF);
    }

    /** {@link #resume} with the membership overlay. */
    public Verdict<R> resume(RequestFacts facts, Verdict.AwaitKeys<R> waited, TokenAuthenticator authenticator,
            BlockList blocks, MembershipCheck membership) {
        return SessionStep.attach(authenticate(facts, waited.route(), waited.target(), waited.token(), authenticator,
                blocks, membership, false), waited.session());
    }

    /** Continues a request that waited for its session's refresh: the session is looked up once more, without waiting. */
    public Verdict<R> resumeSession(RequestFacts facts, Verdict.AwaitSession<R> waited,
            TokenAuthenticator authenticator, BlockList blocks, MembershipCheck membership, SessionCheck sessions) {
        return SessionStep.decide(this, facts, waited.route(), waited.target(), authenticator, blocks, membership,
                sessions, waited.done());
    }

    private static Blocked blockedClient(RequestFacts facts, BlockList blocks) {
        return blocks.isBlocked(facts.clientKey(), null, null, facts.arrivalMillis());
    }

    /** The normalized origin-form target, or null when it is refused. */
    private static RequestTarget normalize(String rawTarget, String host) {
        String uri = rawTarget;
        String[] absolute = PathNormalizer.splitAbsoluteForm(uri);
        if (absolute != null) {
            // RFC 9112 §3.2.2: the target's authority wins over Host. We accept the absolute form
            // only when both name the same host, so no layer can route by one and judge by the other.
            String targetHost = HostName.fromAuthority(absolute[0]);
            if (targetHost == null || !targetHost.equals(host)) {
                return null;
            }
            uri = absolute[1];
        }
        return PathNormalizer.normalize(uri);
    }

    /**
     * POST ?_method=DELETE is a DELETE to Laravel, Symfony or Spring's HiddenHttpMethodFilter,
     * judged here as a POST: refused, on audit-mode and public routes too, unless allowed.
     */
    private boolean methodOverride(R route, RequestTarget target) {
        return !view.of(route).methodOverrideAllowed() && MethodOverride.inQuery(target.query());
    }

    /**
     * A preflight carries no credentials (browsers never send them on one), so a route that CORS
     * pages call must answer it without a token. Only a real preflight: {@code OPTIONS} with one
     * {@code Origin} and one {@code Access-Control-Request-Method}, no body, no method-override
     * header and no {@code _method} parameter (which a framework would serve as another method).
     * Any other request, an {@code OPTIONS} among them, goes on to the token and the rules: a
     * preflight's headers never unlock anything.
     */
    private Verdict<R> preflight(RequestFacts facts, R route, RequestTarget target) {
        CorsPolicy cors = view.of(route).cors();
        if (!(cors.answers() || cors.passthrough()) || !facts.method().equals("OPTIONS") || !facts.cors().preflight()
                || MethodOverride.inQuery(target.query())) {
            return null;
        }
        if (cors.passthrough()) {
            return new Forward<>(Reason.CORS_PASSTHROUGH, route, target, null, null);
        }
        CorsFacts c = facts.cors();
        Reason answer = cors.allowsPreflight(c.origin(), c.requestMethod(), c.requestHeaders())
                ? Reason.CORS_PREFLIGHT : Reason.CORS_REJECTED;
        return new Refuse<>(answer, false, null, Step.PREFLIGHT, route, target, null, null);
    }

    Verdict<R> authenticate(RequestFacts facts, R route, RequestTarget target, String token,
            TokenAuthenticator authenticator, BlockList blocks, MembershipCheck membership, boolean mayWait) {
        return authenticate(facts, route, target, token, 0, token.length(), authenticator, blocks, membership,
                mayWait);
    }

    /** {@link #authenticate} of the token {@code value.substring(start, end)}. */
    private Verdict<R> authenticate(RequestFacts facts, R route, RequestTarget target, String value, int start,
            int end, TokenAuthenticator authenticator, BlockList blocks, MembershipCheck membership, boolean mayWait) {
        AuthResult result = authenticator.authenticate(value, start, end, view.of(route).acceptedIssuers(), mayWait);
        if (result instanceof AuthResult.Authenticated a) {
            Blocked subject = blockedSubject(facts, a.identity(), blocks);
            if (subject != null) {
                return new Refuse<>(reasonFor(subject), true, subject, Step.BLOCKED_SUBJECT, route, target,
                        a.identity(), null);
            }
            if (membership != MembershipCheck.OFF) {
                return MembershipStep.decide(this, view, facts, route, target, a.identity(), membership);
            }
            return authorize(facts, route, target, a.identity());
        }
        if (result instanceof AuthResult.Refused f) {
            return auditMode(Step.AUTHENTICATE, f.reason(), route, target, null, null);
        }
        return new Verdict.AwaitKeys<>((AuthResult.AwaitKeys) result, value.substring(start, end), route, target);
    }

    /** A blocked subject is refused from any address, on any route, before its rules are read. */
    private static Blocked blockedSubject(RequestFacts facts, Identity who, BlockList blocks) {
        return blocks.isBlocked(null, who.issuerId(), who.subject(), facts.arrivalMillis());
    }

    Verdict<R> authorize(RequestFacts facts, R route, RequestTarget target, Identity who) {
        AccessPolicy policy = view.of(route).access();
        Reason decision = policy.authorize(who, facts.method());
        Reason would = null;
        if (policy.hasAuditRules()) {
            Reason shadow = policy.shadow(who, facts.method());
            would = shadow != decision ? shadow : null;
        }
        if (decision.allowed()) {
            return new Forward<>(decision, route, target, who, would);
        }
        return auditMode(Step.AUTHORIZE, decision, route, target, who, would);
    }

    /**
     * Refuses for a reason of the caller's (401/403), unless the route is in {@code mode: audit}:
     * then the request goes through, and the audit line and metrics record what would have been
     * enforced. Keys we cannot get (503) are never waved through.
     */
    private Verdict<R> auditMode(Step step, Reason reason, R route, RequestTarget target, Identity who,
            Reason would) {
        return auditMode(step, reason, route, target, who, would, null);
    }

    /** {@link #auditMode} naming the directory event that had a part in the refusal, or null. */
    Verdict<R> auditMode(Step step, Reason reason, R route, RequestTarget target, Identity who, Reason would,
            String directoryEvent) {
        if (view.of(route).auditOnly() && (reason.status() == 401 || reason.status() == 403)) {
            return new Forward<>(Reason.AUDIT_MODE, route, target, reason.status() == 401 ? null : who, reason,
                    directoryEvent);
        }
        return new Refuse<>(reason, false, null, step, route, target, who, would, directoryEvent);
    }

    /** A refusal that closes the connection: the request is not one we can keep reading after. */
    private static <R> Refuse<R> refuse(Step step, Reason reason, R route, RequestTarget target) {
        return new Refuse<>(reason, true, null, step, route, target, null, null);
    }

    private static Reason reasonFor(Blocked b) {
        return b.status() == 429 ? Reason.SOURCE_BLOCKED : Reason.SOURCE_FORBIDDEN;
    }
}
