package dev.portcullis.tools;

import dev.portcullis.tools.PolicyDiff.Change;
import dev.portcullis.tools.PolicyDiff.Effect;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changed in the rules between two configs, route by route (matched by id) and method by
 * method, from their {@link AccessMatrix access matrices}: the rule-level view that
 * {@link PolicyDiff} lists beside the effective one. A change here is one that <i>can</i> widen
 * ({@link Effect#GAIN}) or narrow ({@link Effect#LOSS}) access: an allowed alternative added, a
 * deny removed, a route added, made public or put in {@code mode: audit}, an issuer added, a
 * changed {@code match}. Whether it does is for {@link EffectiveAccess} to say. Entries in
 * {@code mode: audit} are not enforced and so are not listed; moving one to {@code mode: enforce}
 * shows as the entry being added.
 */
final class RuleChanges {
    private RuleChanges() {
    }

    static List<Change> of(PolicyModel before, PolicyModel after) {
        Map<String, List<AccessMatrix.Row>> old = byRoute(AccessMatrix.of(before));
        Map<String, List<AccessMatrix.Row>> now = byRoute(AccessMatrix.of(after));
        List<Change> out = new ArrayList<>();
        now.forEach((id, rows) -> {
            if (old.containsKey(id)) {
                compare(id, old.get(id), rows, out);
            } else {
                AccessMatrix.Row first = rows.get(0);
                out.add(new Change(Effect.GAIN, id, "*", first.isPublic() ? "route added, public"
                        : first.auditOnly() ? "route added, mode: audit" : "route added", first.match()));
                if (!first.isPublic()) {
                    rows.forEach(r -> r.allowed().forEach(g -> out.add(new Change(Effect.GAIN, id, r.method(),
                            "allow added", g))));
                }
            }
        });
        old.forEach((id, rows) -> {
            if (!now.containsKey(id)) {
                out.add(new Change(Effect.LOSS, id, "*", "route removed", rows.get(0).match()));
            }
        });
        return out;
    }

    private static Map<String, List<AccessMatrix.Row>> byRoute(AccessMatrix m) {
        Map<String, List<AccessMatrix.Row>> out = new LinkedHashMap<>();
        m.rows().forEach(r -> out.computeIfAbsent(r.route(), k -> new ArrayList<>()).add(r));
        return out;
    }

    private static void compare(String id, List<AccessMatrix.Row> before, List<AccessMatrix.Row> after,
            List<Change> out) {
        AccessMatrix.Row b = before.get(0);
        AccessMatrix.Row a = after.get(0);
        if (!b.match().equals(a.match())) {
            out.add(new Change(Effect.GAIN, id, "*", "match changed", b.match() + " -> " + a.match()));
        }
        if (b.auditOnly() != a.auditOnly() && !a.isPublic()) {
            out.add(new Change(a.auditOnly() ? Effect.GAIN : Effect.LOSS, id, "*",
                    a.auditOnly() ? "mode: audit (refusals not enforced)" : "mode: enforce", a.match()));
        }
        if (b.isPublic() != a.isPublic()) {
            out.add(new Change(a.isPublic() ? Effect.GAIN : Effect.LOSS, id, "*",
                    a.isPublic() ? "now public" : "no longer public", a.match()));
            return;
        }
        issuers(id, b.issuers(), a.issuers(), out);
        if (a.isPublic()) {
            return;
        }
        Map<String, AccessMatrix.Row> oldRows = new LinkedHashMap<>();
        before.forEach(r -> oldRows.put(r.method(), r));
        Set<String> methods = new LinkedHashSet<>();
        after.forEach(r -> methods.add(r.method()));
        methods.addAll(oldRows.keySet());
        Map<String, AccessMatrix.Row> newRows = new LinkedHashMap<>();
        after.forEach(r -> newRows.put(r.method(), r));
        for (String m : methods) {
            List<String> oldAllowed = oldRows.containsKey(m) ? oldRows.get(m).allowed() : List.of();
            List<String> newAllowed = newRows.containsKey(m) ? newRows.get(m).allowed() : List.of();
            List<String> oldDenied = oldRows.containsKey(m) ? oldRows.get(m).denied() : List.of();
            List<String> newDenied = newRows.containsKey(m) ? newRows.get(m).denied() : List.of();
            added(newAllowed, oldAllowed).forEach(g -> out.add(new Change(Effect.GAIN, id, m, "allow added", g)));
            added(oldAllowed, newAllowed).forEach(g -> out.add(new Change(Effect.LOSS, id, m, "allow removed", g)));
            added(newDenied, oldDenied).forEach(g -> out.add(new Change(Effect.LOSS, id, m, "deny added", g)));
            added(oldDenied, newDenied).forEach(g -> out.add(new Change(Effect.GAIN, id, m, "deny removed", g)));
        }
    }

    /** Accepting any issuer is the widest: an empty list means all. */
    private static void issuers(String id, List<String> before, List<String> after, List<Change> out) {
        if (Objects.equals(before, after)) {
            return;
        }
        if (after.isEmpty()) {
            out.add(new Change(Effect.GAIN, id, "*", "issuers widened", "any issuer"));
        } else if (before.isEmpty()) {
            out.add(new Change(Effect.LOSS, id, "*", "issuers narrowed", String.join(", ", after) + " only"));
        } else {
            added(after, before).forEach(i -> out.add(new Change(Effect.GAIN, id, "*", "issuer added", i)));
            added(before, after).forEach(i -> out.add(new Change(Effect.LOSS, id, "*", "issuer removed", i)));
        }
    }

    private static List<String> added(List<String> in, List<String> notIn) {
        return in.stream().filter(g -> !notIn.contains(g)).toList();
    }
}
