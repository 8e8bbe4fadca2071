package dev.portcullis.tools;

import dev.portcullis.authz.Rule;
import dev.portcullis.decide.Decider;
import dev.portcullis.decide.RequestFacts;
import dev.portcullis.decide.Verdict;
import dev.portcullis.tools.PolicyDiff.Effect;
import dev.portcullis.tools.ProbePaths.Probe;
import dev.portcullis.vocab.BlockList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Who can do what under two configs, and where that differs: every {@link ProbePaths probe
 * request} with every method, from every {@link ProbeCallers representative caller}, decided by
 * the proxy's own decision core ({@link Decider#decide} over each config's {@code RouteTable},
 * the way {@code explain} decides), so deny entries, {@code public}, {@code issuers:}, methods and
 * {@code mode: audit} weigh exactly as they do at the proxy: an entry in {@code mode: audit}
 * refuses nobody in effect, and a route in {@code mode: audit} forwards everyone.
 *
 * <p>A request that is forwarded reaches the route's upstreams. A caller <b>gains</b> when a
 * request it sends is forwarded after and was not before, or was forwarded to other upstreams (a
 * path that moved to another service, a route pointed elsewhere); it <b>loses</b> in the reverse
 * case. A route renamed with the same match, rules and upstreams changes nothing.
 *
 * <p>Methods: those of {@code AccessMatrix} (GET, HEAD, POST, PUT, PATCH, DELETE and any other an
 * entry names, in either config); any method that no entry names is decided like these unnamed
 * ones. When a route of either config allows {@code method_override}, each path is also tried
 * with a {@code _method} query parameter.
 */
final class EffectiveAccess {
    /** One caller's change of access to one request. */
    record Fact(Effect effect, PolicyRoute route, String method, ProbeCaller caller, Probe probe) {
    }

    private final PolicyModel before;
    private final PolicyModel after;
    private final Decider<PolicyRoute> decider = new Decider<>(PolicyRoute::compiled);
    private final Map<String, Set<String>> routedBefore = new LinkedHashMap<>();
    private final Map<String, Set<String>> routedAfter = new LinkedHashMap<>();
    private final List<Fact> facts = new ArrayList<>();
    private final Set<String> notes = new LinkedHashSet<>();
    private final Map<ProbeCaller, Caller> callersBefore = new HashMap<>();
    private final Map<ProbeCaller, Caller> callersAfter = new HashMap<>();

    private EffectiveAccess(PolicyModel before, PolicyModel after) {
        this.before = Objects.requireNonNull(before, "before");
        this.after = Objects.requireNonNull(after, "after");
    }

    static EffectiveAccess compare(PolicyModel before, PolicyModel after) {
        EffectiveAccess e = new EffectiveAccess(before, after);
        e.run();
        return e;
    }

    /** The changes found, probe by probe. */
    List<Fact> facts() {
        return facts;
    }

    /** Where the comparison was cut short; empty when it was complete. */
    Set<String> notes() {
        return notes;
    }

    /** The probe requests ({@link Probe#text}) that {@code route} of the config before, or after, receives. */
    Set<String> routed(boolean afterConfig, String route) {
        return (afterConfig ? routedAfter : routedBefore).getOrDefault(route, Set.of());
    }

    /**
     * Probes that the same two routes receive (with or without a query) are decided once, on the
     * first of them: after the route step the decision core reads only the route, the method, the
     * query ({@code _method}) and the caller, never the path.
     */
    private void run() {
        ProbeCallers callers = new ProbeCallers(before, after, notes);
        List<String> methods = methods();
        Map<List<Object>, List<Probe>> alike = new LinkedHashMap<>();
        for (Probe probe : probes()) {
            PolicyRoute b = decide(before, "GET", probe, ProbeCaller.ANONYMOUS).route();
            PolicyRoute a = decide(after, "GET", probe, ProbeCaller.ANONYMOUS).route();
            if (b != null) {
                routedBefore.computeIfAbsent(b.id(), k -> new LinkedHashSet<>()).add(probe.text());
            }
            if (a != null) {
                routedAfter.computeIfAbsent(a.id(), k -> new LinkedHashSet<>()).add(probe.text());
            }
            if (a != null || b != null) {
                alike.computeIfAbsent(Arrays.asList(b, a, probe.path().indexOf('?') >= 0),
                        k -> new ArrayList<>()).add(probe);
            }
        }
        alike.forEach((key, probes) -> {
            for (ProbeCaller caller : callers.callers((PolicyRoute) key.get(0), (PolicyRoute) key.get(1))) {
                for (String method : methods) {
                    compare(probes, method, caller);
                }
            }
        });
    }

    private void compare(List<Probe> probes, String method, ProbeCaller caller) {
        Verdict<PolicyRoute> was = decide(before, method, probes.get(0), caller);
        Verdict<PolicyRoute> now = decide(after, method, probes.get(0), caller);
        List<String> reachedBefore = reached(was);
        List<String> reachedAfter = reached(now);
        for (Probe probe : probes) {
            if (reachedAfter != null && !reachedAfter.equals(reachedBefore)) {
                facts.add(new Fact(Effect.GAIN, now.route(), method, caller, probe));
            }
            if (reachedBefore != null && !reachedBefore.equals(reachedAfter)) {
                facts.add(new Fact(Effect.LOSS, was.route(), method, caller, probe));
            }
        }
    }

    private Verdict<PolicyRoute> decide(PolicyModel model, String method, Probe probe, ProbeCaller caller) {
        Map<ProbeCaller, Caller> seen = model == before ? callersBefore : callersAfter;
        StatedCaller stated = new StatedCaller(seen.computeIfAbsent(caller, c -> c.toCaller(model)));
        return decider.decide(RequestFacts.of(method, probe.path(), probe.host(), stated.authorization()),
                model.table(), model.config().server(), stated, BlockList.NONE);
    }

    /** The upstreams a forwarded request reaches, sorted; null when it is refused. */
    private static List<String> reached(Verdict<PolicyRoute> v) {
        return v instanceof Verdict.Forward<PolicyRoute> f ? List.copyOf(new TreeSet<>(f.route().config().upstreams()))
                : null;
    }

    private List<Probe> probes() {
        List<Probe> plain = ProbePaths.of(before, after);
        boolean override = false;
        for (PolicyModel m : List.of(before, after)) {
            override |= m.routes().stream().anyMatch(r -> r.compiled().methodOverrideAllowed());
        }
        if (!override) {
            return plain;
        }
        List<Probe> out = new ArrayList<>(plain);
        plain.forEach(p -> out.add(new Probe(p.host(), p.path() + "?_method=DELETE")));
        return out;
    }

    /**
     * The methods of both configs' matrices; when every one of them is named by some entry, one
     * more that none names, to stand for all such methods.
     */
    private List<String> methods() {
        Set<String> out = new LinkedHashSet<>();
        Set<String> named = new HashSet<>();
        for (PolicyModel m : List.of(before, after)) {
            for (PolicyRoute r : m.routes()) {
                out.addAll(AccessMatrix.methods(r.everyRule()));
                for (List<Rule> rules : List.of(r.everyRule().allowRules(), r.everyRule().denyRules())) {
                    rules.stream().filter(x -> x.methods() != null).forEach(x -> named.addAll(x.methods()));
                }
            }
        }
        out.addAll(AccessMatrix.METHODS);
        if (named.containsAll(out)) {
            String unnamed = "ANY-OTHER-METHOD";
            while (named.contains(unnamed)) {
                unnamed += "X";
            }
            out.add(unnamed);
        }
        return List.copyOf(out);
    }
}
