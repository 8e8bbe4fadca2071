package dev.portcullis.tools;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.authz.Rule;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who may do what: one row per route and method, with the alternatives that are allowed and
 * those that are denied (deny overrides allow). Read from the compiled {@link AccessPolicy}, so it
 * shows what the proxy enforces, not what the file seems to say.
 *
 * @param source the config it was made from
 * @param rows   routes in config order, methods in {@link #METHODS} order then the others named
 */
public record AccessMatrix(String source, List<Row> rows) {
    /** The methods every route is shown with. */
    public static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE");

    public AccessMatrix {
        rows = List.copyOf(rows);
    }

    /**
     * @param route    the route id
     * @param match    {@code host/path} as written
     * @param method   the method
     * @param isPublic  no token needed: everyone, any method
     * @param auditOnly the route is in {@code mode: audit}: refusals are logged, and the request forwarded
     * @param allowed   alternatives that are allowed by enforced entries (empty: nobody, on a protected route)
     * @param denied    alternatives refused by enforced entries even when allowed
     * @param audit     alternatives of {@code mode: audit} entries, {@code "allow …"} or {@code "deny …"}:
     *                  evaluated and logged, not enforced
     * @param issuers   the issuer ids the route accepts, or empty for all
     */
    public record Row(String route, String match, String method, boolean isPublic, boolean auditOnly,
            List<String> allowed, List<String> denied, List<String> audit, List<String> issuers) {
        public Row {
            allowed = List.copyOf(allowed);
            denied = List.copyOf(denied);
            audit = List.copyOf(audit);
            issuers = List.copyOf(issuers);
        }

        /**
         * {@code public}; {@code audit} (route in {@code mode: audit}: every request is forwarded);
         * {@code nobody} (no entry allows, or one denies any token); or {@code restricted}.
         */
        public String access() {
            if (isPublic) {
                return "public";
            }
            if (auditOnly) {
                return "audit";
            }
            return allowed.isEmpty() || denied.contains(Grants.ANY_TOKEN) ? "nobody" : "restricted";
        }
    }

    public static AccessMatrix of(PolicyModel model) {
        List<Row> rows = new ArrayList<>();
        for (PolicyRoute route : model.routes()) {
            List<String> issuers = route.acceptedIssuers() == null ? List.of()
                    : List.copyOf(new TreeSet<>(route.acceptedIssuers()));
            for (String method : methods(route.everyRule())) {
                List<String> audit = new ArrayList<>();
                auditGrants(route, "deny", route.everyRule().denyRules(), method).forEach(audit::add);
                auditGrants(route, "allow", route.everyRule().allowRules(), method).forEach(audit::add);
                rows.add(new Row(route.id(), route.matchText(), method, route.policy().isPublic(), route.auditOnly(),
                        grants(route.policy().allowRules(), method), grants(route.policy().denyRules(), method),
                        audit, issuers));
            }
        }
        return new AccessMatrix(model.config().source(), rows);
    }

    /** The usual methods, then any other a rule names (OPTIONS, TRACE…), sorted. */
    static List<String> methods(AccessPolicy policy) {
        Set<String> extra = new TreeSet<>();
        for (List<Rule> rules : List.of(policy.allowRules(), policy.denyRules())) {
            for (Rule r : rules) {
                if (r.methods() != null) {
                    extra.addAll(r.methods());
                }
            }
        }
        extra.removeAll(METHODS);
        List<String> out = new ArrayList<>(METHODS);
        out.addAll(extra);
        return out;
    }

    /** The alternatives of the {@code mode: audit} entries of one list, prefixed with the list's name. */
    private static List<String> auditGrants(PolicyRoute route, String list, List<Rule> rules, String method) {
        List<dev.portcullis.config.RuleConfig> written = list.equals("deny") ? route.config().deny()
                : route.config().allow();
        List<Rule> audited = rules.stream().filter(r -> written.get(r.index()).audit()).toList();
        return grants(audited, method).stream().map(g -> list + " " + g).toList();
    }

    private static List<String> grants(List<Rule> rules, String method) {
        Set<String> out = new LinkedHashSet<>();
        for (Rule r : rules) {
            if (r.appliesTo(method)) {
                out.addAll(Grants.of(r));
            }
        }
        return List.copyOf(out);
    }
}
