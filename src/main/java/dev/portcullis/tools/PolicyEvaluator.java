package dev.portcullis.tools;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.authz.Rule;
import dev.portcullis.config.RuleConfig;
import dev.portcullis.decide.CorsFacts;
import dev.portcullis.decide.Decider;
import dev.portcullis.decide.RequestFacts;
import dev.portcullis.decide.Verdict;
import dev.portcullis.vocab.BlockList;
import dev.portcullis.vocab.HostName;
import dev.portcullis.route.PathNormalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Explains what the proxy would answer to a request, step by step, without a network.
 *
 * <p>The decision is never re-derived: the request goes through the proxy's own decision core
 * ({@link Decider#decide}, the very sequence the request path runs) over the compiled
 * {@code RouteTable}, with the caller stated rather than verified ({@link StatedCaller}) and no
 * source blocked. The per-entry trace ({@link Rule#firstUnmet}) is checked against that decision,
 * so an explanation can never disagree with the proxy silently. An absolute-form URL is judged as
 * a client sends it, with its authority as the Host; an origin-form one as an HTTP/1.0 request
 * without a Host.
 */
public final class PolicyEvaluator {
    private final PolicyModel model;
    private final Decider<PolicyRoute> decider;

    public PolicyEvaluator(PolicyModel model) {
        this.model = Objects.requireNonNull(model, "model");
        this.decider = new Decider<>(PolicyRoute::compiled);
    }

    /**
     * @param method the request method, case-sensitive as on the wire
     * @param url    {@code http://host/path?query}, {@code https://…}, or an origin-form {@code /path?query}
     *               (no host: only routes without a {@code host} can match)
     * @param caller who is asking
     */
    public Explanation explain(String method, String url, Caller caller) {
        return explain(method, url, caller, CorsFacts.NONE);
    }

    /**
     * The same, for a request from a page of {@code cors.origin()}: a preflight when it says what it
     * asks for ({@link CorsFacts#preflight()}), answered as the proxy would answer it.
     */
    public Explanation explain(String method, String url, Caller caller, CorsFacts cors) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(caller, "caller");
        List<String> notes = new ArrayList<>();
        if (caller instanceof Caller.Claimed c) {
            notes.addAll(c.notes());
        }
        String[] absolute = PathNormalizer.splitAbsoluteForm(url);
        String hostHeader = absolute == null ? null : absolute[0];
        StatedCaller stated = new StatedCaller(caller);
        Verdict<PolicyRoute> v = decider.decide(RequestFacts.of(method, url, hostHeader, stated.authorization())
                        .withCors(cors),
                model.table(), model.config().server(), stated, BlockList.NONE);
        String host = hostHeader == null ? null : HostName.fromAuthority(hostHeader);
        String path = v.target() == null ? null : v.target().path();
        PolicyRoute route = v.route();
        Reason reason;
        Reason would;
        if (v instanceof Verdict.Refuse<PolicyRoute> r) {
            reason = r.reason();
            would = r.wouldReason();
            refusalNote(r, hostHeader, notes);
        } else if (v instanceof Verdict.Forward<PolicyRoute> f) {
            reason = f.reason();
            would = f.wouldReason();
        } else {
            throw new IllegalStateException("a stated caller never waits for keys: " + v);
        }
        corsNote(reason, route, cors, notes);
        if (stated.uncheckedIssuers() != null) {
            notes.add("route '" + route.id() + "' accepts tokens of " + new TreeSet<>(stated.uncheckedIssuers())
                    + " only; the caller's issuer is not stated, so that was not checked");
        }
        List<RuleTrace> rules = List.of();
        if (stated.authenticated()) {
            Identity who = ((Caller.Claimed) caller).identity();
            Reason decision = reason == Reason.AUDIT_MODE ? would : reason;
            Reason shadow = route.policy().hasAuditRules() ? route.policy().shadow(who, method) : decision;
            rules = trace(route, who, method, decision, shadow);
        }
        if (reason == Reason.AUDIT_MODE) {
            notes.add("route '" + route.id() + "' is in mode: audit: the refusal is logged, not enforced");
        } else if (would != null) {
            notes.add("with the mode: audit entries enforced, the answer would be " + would.status() + " "
                    + would.code());
        }
        return new Explanation(method, url, host, path, caller, route, rules,
                reason, would, notes);
    }

    /** What a page of {@code cors.origin()} would see of the answer, in words. */
    private static void corsNote(Reason reason, PolicyRoute route, CorsFacts cors, List<String> notes) {
        switch (reason) {
            case CORS_PREFLIGHT -> notes.add("a CORS preflight: route '" + route.id() + "' answers it itself, without a"
                    + " token (204, Access-Control-Allow-Origin: " + route.compiled().cors().allowOrigin(cors.origin())
                    + ")");
            case CORS_REJECTED -> notes.add("a CORS preflight whose origin, method or headers route '" + route.id()
                    + "' does not list in cors: 403, without any Access-Control-Allow-* header");
            case CORS_PASSTHROUGH -> notes.add("a CORS preflight on a route with cors: passthrough: forwarded without"
                    + " a token, for the upstream to answer");
            default -> {
                if (cors.origin() != null && route != null && route.compiled().cors().answers()) {
                    String allow = route.compiled().cors().allowOrigin(cors.origin());
                    notes.add(allow == null ? "origin '" + cors.origin() + "' is not in the route's"
                            + " cors.allowed_origins: no Access-Control-Allow-Origin, the page cannot read the answer"
                            : "the answer carries Access-Control-Allow-Origin: " + allow);
                }
            }
        }
    }

    /** Why the head was refused, in words, for the refusals a URL or a method can cause. */
    private static void refusalNote(Verdict.Refuse<PolicyRoute> r, String hostHeader, List<String> notes) {
        switch (r.step()) {
            case CHECK_HEAD -> notes.add("methods are case-sensitive and upper-case: the proxy answers 400 bad_request");
            case NORMALIZE -> notes.add(r.reason() == Reason.BAD_REQUEST
                    ? "'" + hostHeader + "' is not a usable Host: the proxy answers 400 bad_request"
                    : "the path normalizer refuses it: an encoded / or \\, a ';', a control or non-ASCII byte, a"
                    + " malformed escape, '..' above the root, a space in the query, or no leading '/'");
            case METHOD_OVERRIDE -> notes.add("the query has a _method parameter, which some frameworks serve as"
                    + " that method: refused unless method_override: allow");
            default -> {
            }
        }
    }

    /**
     * Every entry, audit-mode ones included, matched or not, with the decisive one marked. Both
     * the enforced decision and the would-be one are re-derived from the trace and must agree
     * with {@link AccessPolicy}: a disagreement is a bug, and no explanation beats a wrong one.
     */
    private static List<RuleTrace> trace(PolicyRoute route, Identity who, String method, Reason decision,
            Reason shadow) {
        List<RuleTrace> out = new ArrayList<>();
        boolean[] enforced = {false, false};
        boolean[] all = {false, false};
        for (int list = 0; list < 2; list++) {
            List<Rule> rules = list == 0 ? route.everyRule().denyRules() : route.everyRule().allowRules();
            List<RuleConfig> written = list == 0 ? route.config().deny() : route.config().allow();
            for (Rule rule : rules) {
                RuleConfig c = written.get(rule.index());
                String unmet = rule.firstUnmet(who, method);
                boolean decisive = unmet == null && !c.audit() && !enforced[0] && !enforced[1];
                if (unmet == null) {
                    all[list] = true;
                    enforced[list] |= !c.audit();
                }
                out.add(new RuleTrace(list == 0 ? "deny" : "allow", rule.index(), RuleText.of(c), c.location(),
                        unmet == null, unmet, decisive, c.audit()));
            }
        }
        check(route, enforced, decision, "authorize");
        check(route, all, shadow, "shadow");
        return out;
    }

    private static void check(PolicyRoute route, boolean[] matched, Reason decided, String by) {
        Reason traced = matched[0] ? Reason.DENY_RULE : matched[1] ? Reason.ALLOWED : Reason.GROUP_DENIED;
        if (traced != decided) {
            throw new IllegalStateException("trace says " + traced + " but AccessPolicy." + by + " says " + decided
                    + " for route " + route.id() + ": Rule.firstUnmet and Rule.matches disagree");
        }
    }
}
