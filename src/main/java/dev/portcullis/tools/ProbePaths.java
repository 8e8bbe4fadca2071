package dev.portcullis.tools;

import dev.portcullis.config.PathPattern;
import dev.portcullis.route.PathCase;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The requests ("what", without the method) that {@code report --diff} sends through both configs:
 * for each host that a route of either config names, and for no host, a set of paths built from
 * the path patterns of both configs.
 *
 * <p><b>Why these paths find every path that changes route.</b> Which route a table picks for a
 * path depends only on which of its patterns match the path (the trie's preferences, literal over
 * {@code *} over {@code /**}, case-sensitive over folded, host over any host, are between
 * patterns, not paths). Whether a pattern matches depends on the path's segments only through
 * equality with the pattern's literal segment at the same position (folded, for
 * {@code path_case: insensitive}), non-emptiness for {@code *}, the depth, and one trailing slash.
 * So the paths are walked segment by segment over an alphabet of, at each depth, the literal
 * segments there in any pattern, for a case-insensitive one also a spelling in another case that
 * no case-sensitive literal has, and one fresh segment that equals no literal; two prefixes that
 * leave the same patterns alive at the same depth are continued once. Each path is tried with and
 * without a trailing slash, down to one segment below the deepest pattern (below it only
 * {@code /**} patterns stay alive, and one more segment changes nothing). Every set of matching
 * patterns that some path has is thus met by a probe, and each probe is routed by each config's
 * real {@code RouteTable}, so a path moving from one route to another, or from none, is seen.
 */
final class ProbePaths {
    /** A request without its method: the Host ({@code null} for none) and the path. */
    record Probe(String host, String path) {
        Probe {
            Objects.requireNonNull(path, "path");
        }

        String text() {
            return (host == null ? "" : host) + path;
        }
    }

    private ProbePaths() {
    }

    static List<Probe> of(PolicyModel before, PolicyModel after) {
        Set<String> hosts = new TreeSet<>();
        for (PolicyModel m : List.of(before, after)) {
            m.routes().stream().map(PolicyRoute::host).filter(Objects::nonNull).forEach(hosts::add);
        }
        Set<Probe> out = new LinkedHashSet<>();
        paths(patterns(null, before, after)).forEach(p -> out.add(new Probe(null, p)));
        for (String h : hosts) {
            paths(patterns(h, before, after)).forEach(p -> out.add(new Probe(h, p)));
        }
        return List.copyOf(out);
    }

    /** The patterns a request for {@code host} can meet: that host's routes and those of any host. */
    private static List<PathPattern> patterns(String host, PolicyModel before, PolicyModel after) {
        List<PathPattern> out = new ArrayList<>();
        for (PolicyModel m : List.of(before, after)) {
            for (PolicyRoute r : m.routes()) {
                if (r.host() == null || r.host().equals(host)) {
                    out.add(r.pattern());
                }
            }
        }
        return out;
    }

    static List<String> paths(List<PathPattern> patterns) {
        int deepest = patterns.stream().mapToInt(p -> p.segments().size()).max().orElse(0);
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        BitSet all = new BitSet();
        all.set(0, patterns.size());
        walk(patterns, new ArrayList<>(), all, deepest + 1, out, seen);
        return out;
    }

    private static void walk(List<PathPattern> patterns, List<String> prefix, BitSet alive, int maxDepth,
            List<String> out, Set<String> seen) {
        if (alive.isEmpty() || !seen.add(prefix.size() + ":" + alive)) {
            return;
        }
        String path = "/" + String.join("/", prefix);
        out.add(path);
        if (!prefix.isEmpty()) {
            out.add(path + "/");
        }
        if (prefix.size() == maxDepth) {
            return;
        }
        int k = prefix.size();
        for (String segment : alphabet(patterns, k)) {
            BitSet next = new BitSet();
            for (int i = alive.nextSetBit(0); i >= 0; i = alive.nextSetBit(i + 1)) {
                if (stillMatches(patterns.get(i), k, segment)) {
                    next.set(i);
                }
            }
            prefix.add(segment);
            walk(patterns, prefix, next, maxDepth, out, seen);
            prefix.remove(prefix.size() - 1);
        }
    }

    /** Whether a pattern alive before segment {@code k} still is with this segment there. */
    private static boolean stillMatches(PathPattern p, int k, String segment) {
        if (k >= p.segments().size()) {
            return p.subtree();
        }
        String s = p.segments().get(k);
        if (s.equals(PathPattern.ONE)) {
            return true;
        }
        return p.caseInsensitive() ? PathCase.fold(s).equals(PathCase.fold(segment)) : s.equals(segment);
    }

    /** The literal segments at depth {@code k}, other spellings of the folded ones, and a fresh one. */
    private static Set<String> alphabet(List<PathPattern> patterns, int k) {
        Set<String> literals = new TreeSet<>();
        Set<String> folded = new TreeSet<>();
        Set<String> everyFold = new HashSet<>();
        for (PathPattern p : patterns) {
            for (String s : p.segments()) {
                everyFold.add(PathCase.fold(s));
            }
            if (k < p.segments().size() && !p.segments().get(k).equals(PathPattern.ONE)
                    && !p.segments().get(k).isEmpty()) {
                String s = p.segments().get(k);
                literals.add(s);
                if (p.caseInsensitive()) {
                    folded.add(s);
                }
            }
        }
        Set<String> out = new LinkedHashSet<>(literals);
        for (String s : folded) {
            for (String v : List.of(s.toUpperCase(Locale.ROOT), s.toLowerCase(Locale.ROOT), flipFirst(s))) {
                if (!literals.contains(v)) {
                    out.add(v);
                    break;
                }
            }
        }
        String fresh = "x";
        for (int i = 1; everyFold.contains(PathCase.fold(fresh)); i++) {
            fresh = "x" + i;
        }
        out.add(fresh);
        return out;
    }

    private static String flipFirst(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c) && c < 128) {
                char f = Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c);
                return s.substring(0, i) + f + s.substring(i + 1);
            }
        }
        return s;
    }
}
