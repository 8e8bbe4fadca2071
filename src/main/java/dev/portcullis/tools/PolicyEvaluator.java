package dev.portcullis.tools;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.vocab.Reason;
import dev.portcullis.authz.Rule;
import dev.portcullis.config.RuleConfig;
import dev.portcullis.vocab.HostName;
import dev.portcullis.route.MethodOverride;
import dev.portcullis.route.PathNormalizer;
import dev.portcullis.route.RequestTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Explains what the proxy would answer to a request, step by step, without a network.
 *
 * <p>The decision is never re-derived: the path comes from {@link PathNormalizer#normalize}, the
 * route from the compiled {@code RouteTable}, and the authorization from
 * {@link AccessPolicy#authorize}, the very code the request path runs. The per-entry trace
 * ({@link Rule#firstUnmet}) is checked against that decision, so an explanation can never
 * disagree with the proxy silently.
 *
 * <p>Four one-line checks live in the proxy's Netty handler or authenticator and are mirrored
 * here, each marked where it is: the method must be an upper-case token, a {@code _method} query
 * parameter is refused unless the route allows overrides, a route's {@code issuers:} accept only
 * those issuers, and a route in {@code mode: audit} forwards its 401 and 403 refusals.
 */
public final class PolicyEvaluator {
    private final PolicyModel model;

    public PolicyEvaluator(PolicyModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /**
     * @param method the request method, case-sensitive as on the wire
     * @param url    {@code http://host/path?query}, {@code https://…}, or an origin-form {@code /path?query}
     *               (no host: only routes without a {@code host} can match)
     * @param caller who is asking
     */
    public Explanation explain(String method, String url, Caller caller) {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(caller, "caller");
        List<String> notes = new ArrayList<>();
        if (caller instanceof Caller.Claimed c) {
            notes.addAll(c.notes());
        }
        String host = null;
        String target = url;
        String[] absolute = PathNormalizer.splitAbsoluteForm(url);
        if (absolute != null) {
            host = HostName.fromAuthority(absolute[0]);
            target = absolute[1];
            if (host == null) {
                notes.add("'" + absolute[0] + "' is not a usable Host: the proxy answers 400 bad_request");
                return new Explanation(method, url, null, null,
                        caller, null, List.of(), Reason.BAD_REQUEST, null, notes);
            }
        }
        // The proxy refuses methods that are not upper-case tokens (server.RequestChecks): a
        // lower-case 'delete' would otherwise slip past a deny on DELETE.
        if (!method.matches("[A-Z_-]+")) {
            notes.add("methods are case-sensitive and upper-case: the proxy answers 400 bad_request");
            return new Explanation(method, url, host, null, caller, null, List.of(), Reason.BAD_REQUEST, null, notes);
        }
        RequestTarget normalized = PathNormalizer.normalize(target);
        if (normalized == null) {
            notes.add("the path normalizer refuses it: an encoded / or \\, a ';', a control or non-ASCII byte, a"
                    + " malformed escape, '..' above the root, a space in the query, or no leading '/'");
            return new Explanation(method, url, host, null, caller, null, List.of(), Reason.PATH_REJECTED, null, notes);
        }
        String path = normalized.path();
        PolicyRoute route = model.table().match(host, path);
        if (route == null) {
            return new Explanation(method, url, host, path, caller, null, List.of(), Reason.NO_ROUTE, null, notes);
        }
        // The proxy's handler refuses a _method query parameter unless the route allows overrides.
        if (!route.config().allowsMethodOverride(model.config().server()) && MethodOverride.inQuery(normalized.query())) {
            notes.add("the query has a _method parameter, which some frameworks serve as that method:"
                    + " refused unless method_override: allow");
            return new Explanation(method, url, host, path, caller, route, List.of(), Reason.METHOD_OVERRIDE_REJECTED,
                    null, notes);
        }
        if (route.policy().isPublic()) {
            return new Explanation(method, url, host, path, caller, route, List.of(), Reason.PUBLIC_ROUTE, null, notes);
        }
        Reason reason = null;
        if (caller instanceof Caller.Anonymous) {
            reason = Reason.TOKEN_MISSING;
        } else if (caller instanceof Caller.Refused r) {
            reason = notAccepted(route, r.issuerId()) ? Reason.ISSUER_NOT_ACCEPTED : r.reason();
        } else if (caller instanceof Caller.Claimed c && !c.issuerStated()) {
            if (route.acceptedIssuers() != null) {
                notes.add("route '" + route.id() + "' accepts tokens of "
                        + new java.util.TreeSet<>(route.acceptedIssuers())
                        + " only; the caller's issuer is not stated, so that was not checked");
            }
        } else if (caller instanceof Caller.Claimed c && notAccepted(route, c.identity().issuerId())) {
            reason = Reason.ISSUER_NOT_ACCEPTED;
        }
        if (reason != null) {
            return finish(method, url, host, path, caller, route, List.of(), reason, null, notes);
        }
        Caller.Claimed claimed = (Caller.Claimed) caller;
        Reason decision = route.policy().authorize(claimed.identity(), method);
        Reason shadow = route.policy().hasAuditRules() ? route.policy().shadow(claimed.identity(), method) : decision;
        List<RuleTrace> rules = trace(route, claimed, method, decision, shadow);
        return finish(method, url, host, path, caller, route, rules, decision, shadow != decision ? shadow : null,
                notes);
    }

    /**
     * A route in {@code mode: audit} forwards what it would refuse for the caller's sake (401,
     * 403) and records the refusal, as the proxy's request handler does.
     */
    private static Explanation finish(String method, String url, String host, String path, Caller caller,
            PolicyRoute route, List<RuleTrace> rules, Reason reason, Reason shadow, List<String> notes) {
        if (route.auditOnly() && (reason.status() == 401 || reason.status() == 403)) {
            notes.add("route '" + route.id() + "' is in mode: audit: the refusal is logged, not enforced");
            return new Explanation(method, url, host, path, caller, route, rules, Reason.AUDIT_MODE, reason, notes);
        }
        if (shadow != null) {
            notes.add("with the mode: audit entries enforced, the answer would be " + shadow.status() + " "
                    + shadow.code());
        }
        return new Explanation(method, url, host, path, caller, route, rules, reason, shadow, notes);
    }

    /** The same test as the authenticator's: a route that names issuers accepts only theirs. */
    private static boolean notAccepted(PolicyRoute route, String issuerId) {
        return issuerId != null && route.acceptedIssuers() != null && !route.acceptedIssuers().contains(issuerId);
    }

    /**
     * Every entry, audit-mode ones included, matched or not, with the decisive one marked. Both
     * the enforced decision and the would-be one are re-derived from the trace and must agree
     * with {@link AccessPolicy}: a disagreement is a bug, and no explanation beats a wrong one.
     */
    private static List<RuleTrace> trace(PolicyRoute route, Caller.Claimed who, String method, Reason decision,
            Reason shadow) {
        List<RuleTrace> out = new ArrayList<>();
        boolean[] enforced = {false, false};
        boolean[] all = {false, false};
        for (int list = 0; list < 2; list++) {
            List<Rule> rules = list == 0 ? route.everyRule().denyRules() : route.everyRule().allowRules();
            List<RuleConfig> written = list == 0 ? route.config().deny() : route.config().allow();
            for (Rule rule : rules) {
                RuleConfig c = written.get(rule.index());
                String unmet = rule.firstUnmet(who.identity(), method);
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
