package dev.portcullis.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Who, by name, can do what on which route ({@code report --members}), for access reviews: each
 * member of each group the rules name, with the groups of the config that member is in, is sent
 * through the proxy's own decision core ({@link PolicyEvaluator}, as {@code explain} does) with
 * every method of every route, so deny entries, {@code issuers:} and {@code mode: audit} weigh as
 * at the proxy. A member's other groups cannot change a decision: no rule names them.
 *
 * @param source the config it was made from
 * @param rows   users in name order, then routes in config order, then methods
 * @param notes  what could not be decided (a route that no request reaches)
 */
public record MemberAccess(String source, List<Row> rows, List<String> notes) {
    public MemberAccess {
        rows = List.copyOf(rows);
        notes = List.copyOf(notes);
    }

    /**
     * @param user     the member's login
     * @param groups   the config's groups the member is in
     * @param route    the route id
     * @param match    {@code host/path} as written
     * @param method   the method
     * @param decision {@code allow} or {@code refuse}
     * @param reason   the proxy's reason code ({@code allowed}, {@code deny_rule}, {@code group_denied}, …)
     */
    public record Row(String user, List<String> groups, String route, String match, String method, String decision,
            String reason) {
        public Row {
            groups = List.copyOf(groups);
        }
    }

    /**
     * @param model   the compiled config
     * @param members each group the rules name to its members' logins (a group the org lacks: none)
     */
    public static MemberAccess of(PolicyModel model, Map<String, List<String>> members) {
        Objects.requireNonNull(members, "members");
        Map<String, Set<String>> users = new TreeMap<>();
        members.forEach((group, logins) -> logins.forEach(
                login -> users.computeIfAbsent(login, k -> new LinkedHashSet<>()).add(group)));
        PolicyEvaluator evaluator = new PolicyEvaluator(model);
        Map<String, String> urls = urls(model, evaluator);
        List<Row> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        model.routes().stream().filter(r -> !urls.containsKey(r.id()))
                .forEach(r -> notes.add("route '" + r.id() + "' is shadowed: no request reaches it"));
        users.forEach((login, groups) -> {
            Caller caller = Callers.stated(model, null, login, List.copyOf(groups), List.of(), null, Map.of(), "okta");
            for (PolicyRoute route : model.routes()) {
                String url = urls.get(route.id());
                if (url == null) {
                    continue;
                }
                for (String method : AccessMatrix.methods(route.everyRule())) {
                    Explanation e = evaluator.explain(method, url, caller);
                    rows.add(new Row(login, List.copyOf(groups), route.id(), route.matchText(), method, e.decision(),
                            e.reason().code()));
                }
            }
        });
        return new MemberAccess(model.config().source(), rows, notes);
    }

    /** A request each route receives (the first probe the real route table sends there). */
    private static Map<String, String> urls(PolicyModel model, PolicyEvaluator evaluator) {
        Map<String, String> out = new LinkedHashMap<>();
        for (ProbePaths.Probe p : ProbePaths.of(model, model)) {
            String url = p.host() == null ? p.path() : "http://" + p.host() + p.path();
            PolicyRoute r = evaluator.explain("GET", url, Caller.anonymous()).route();
            if (r != null && p.path().indexOf('?') < 0) {
                out.putIfAbsent(r.id(), url);
            }
        }
        return out;
    }
}
