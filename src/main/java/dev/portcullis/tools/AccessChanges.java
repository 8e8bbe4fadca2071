package dev.portcullis.tools;

import dev.portcullis.config.IssuerConfig;
import dev.portcullis.tools.PolicyDiff.Change;
import dev.portcullis.tools.PolicyDiff.Effect;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns the probe-by-probe {@link EffectiveAccess.Fact facts} into report rows: one per effect,
 * route, method and caller, naming the simplest callers only (a caller that holds more than
 * another that gains the same requests is left out), with the issuers
 * named only when not all of them gain, and the requests shown as the route's match when they
 * are all the requests the route receives.
 */
final class AccessChanges {
    /** Beyond this many, the requests of a row are counted, not listed. */
    private static final int SHOWN_REQUESTS = 5;

    private record Key(Effect effect, PolicyRoute route, String method) {
    }

    private AccessChanges() {
    }

    static List<Change> rows(EffectiveAccess access, PolicyModel before, PolicyModel after) {
        Map<Key, Map<ProbeCaller, Set<String>>> groups = new LinkedHashMap<>();
        for (EffectiveAccess.Fact f : access.facts()) {
            groups.computeIfAbsent(new Key(f.effect(), f.route(), f.method()), k -> new LinkedHashMap<>())
                    .computeIfAbsent(f.caller(), c -> new TreeSet<>()).add(f.probe().text());
        }
        List<String> routeOrder = new ArrayList<>();
        after.routes().forEach(r -> routeOrder.add(r.id()));
        before.routes().forEach(r -> routeOrder.add(r.id()));
        List<Key> keys = new ArrayList<>(groups.keySet());
        keys.sort(Comparator.comparing((Key k) -> k.effect()).thenComparing(k -> routeOrder.indexOf(k.route().id()))
                .thenComparing(k -> methodRank(k.method())).thenComparing(Key::method));
        Set<String> allIssuers = new TreeSet<>();
        for (PolicyModel m : List.of(before, after)) {
            m.config().issuers().forEach(i -> allIssuers.add(i.issuer()));
        }
        List<Change> out = new ArrayList<>();
        for (Key k : keys) {
            PolicyModel model = k.effect() == Effect.GAIN ? after : before;
            Set<String> routed = access.routed(k.effect() == Effect.GAIN, k.route().id());
            List<Change> rows = new ArrayList<>();
            simplest(groups.get(k)).forEach((who, issuers) -> rows.add(new Change(k.effect(), k.route().id(),
                    k.method(), k.effect() == Effect.GAIN ? "access gained" : "access lost",
                    subject(who.get(0), issuers, allIssuers, model),
                    requests(groups.get(k).get(who.get(0)), routed, k.route().matchText()))));
            rows.sort(Comparator.comparing(Change::subject).thenComparing(Change::requests));
            out.addAll(rows);
        }
        return out;
    }

    /**
     * The callers that no simpler caller covers, each with the issuers it gains under: keyed by a
     * representative caller and its requests (a list, so that equal atoms and requests merge).
     */
    private static Map<List<ProbeCaller>, Set<String>> simplest(Map<ProbeCaller, Set<String>> byCaller) {
        List<ProbeCaller> callers = new ArrayList<>(byCaller.keySet());
        callers.sort(Comparator.comparing((ProbeCaller c) -> !c.anonymous()).thenComparing(c -> c.atoms().size()));
        List<ProbeCaller> kept = new ArrayList<>();
        for (ProbeCaller c : callers) {
            boolean covered = kept.stream().anyMatch(k -> k.within(c) && byCaller.get(k).containsAll(byCaller.get(c)));
            if (!covered) {
                kept.add(c);
            }
        }
        Map<List<Object>, List<ProbeCaller>> merged = new LinkedHashMap<>();
        Map<List<ProbeCaller>, Set<String>> out = new LinkedHashMap<>();
        for (ProbeCaller c : kept) {
            List<Object> key = List.of(c.anonymous(), c.atoms(), byCaller.get(c));
            List<ProbeCaller> first = merged.computeIfAbsent(key, x -> List.of(c));
            out.computeIfAbsent(first, x -> new TreeSet<>());
            if (!c.anonymous()) {
                out.get(first).add(c.iss());
            }
        }
        return out;
    }

    /** The caller, and its issuers by id when not every issuer of either config gains. */
    private static String subject(ProbeCaller who, Set<String> issuers, Set<String> allIssuers, PolicyModel model) {
        if (who.anonymous() || allIssuers.size() < 2 || issuers.equals(allIssuers)) {
            return who.text();
        }
        List<String> ids = issuers.stream().map(i -> model.issuerByIss(i).map(IssuerConfig::id).orElse(i)).toList();
        return who.text() + " (issuer " + String.join(", ", ids) + ")";
    }

    private static String requests(Set<String> requests, Set<String> routed, String match) {
        if (requests.equals(routed)) {
            return match;
        }
        List<String> list = new ArrayList<>(requests);
        if (list.size() <= SHOWN_REQUESTS) {
            return String.join(", ", list);
        }
        return String.join(", ", list.subList(0, SHOWN_REQUESTS)) + " and " + (list.size() - SHOWN_REQUESTS)
                + " more";
    }

    private static int methodRank(String method) {
        int i = AccessMatrix.METHODS.indexOf(method);
        return i >= 0 ? i : AccessMatrix.METHODS.size();
    }
}
