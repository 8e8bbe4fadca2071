package dev.portcullis.tools;

import dev.portcullis.authz.ClaimMatcher;
import dev.portcullis.authz.Rule;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An entry's conditions as the alternative sets of things that satisfy it: {@code groups_any
 * [a, b]} becomes {@code group:a} or {@code group:b}; {@code groups_any [a], scopes_all [x, y]}
 * becomes {@code group:a + scope:x + scope:y}; claims read {@code claim:dept=eng},
 * {@code claim:email ends with @example.com}, {@code claim:email_verified is true}; an entry with only {@code methods} is
 * {@value #ANY_TOKEN}. Each alternative is one canonical string, so two configs compare by set
 * difference. Methods are left out: the matrix has a row per method.
 */
final class Grants {
    static final String ANY_TOKEN = "any valid token";
    /** Beyond this many alternatives an entry is shown as written, not expanded. */
    private static final int MAX_ALTERNATIVES = 64;

    private Grants() {
    }

    static List<String> of(Rule rule) {
        List<Set<String>> alternatives = new ArrayList<>();
        alternatives.add(new TreeSet<>());
        alternatives = any(alternatives, "group:", rule.groupsAny());
        alternatives = all(alternatives, "group:", rule.groupsAll());
        alternatives = any(alternatives, "scope:", rule.scopesAny());
        alternatives = all(alternatives, "scope:", rule.scopesAll());
        for (Map.Entry<String, ClaimMatcher> c : new TreeMap<>(rule.claims()).entrySet()) {
            alternatives = any(alternatives, "claim:" + c.getKey(), claimForms(c.getValue()));
        }
        if (alternatives == null) {
            return List.of(written(rule));
        }
        return alternatives.stream().map(a -> a.isEmpty() ? ANY_TOKEN : String.join(" + ", a)).distinct()
                .sorted().toList();
    }

    /** One alternative per value; null once there are too many to list. */
    private static List<Set<String>> any(List<Set<String>> in, String prefix, Set<String> values) {
        if (in == null || values == null) {
            return in;
        }
        if ((long) in.size() * values.size() > MAX_ALTERNATIVES) {
            return null;
        }
        List<Set<String>> out = new ArrayList<>();
        for (Set<String> a : in) {
            for (String v : new TreeSet<>(values)) {
                Set<String> next = new TreeSet<>(a);
                next.add(prefix + v);
                out.add(next);
            }
        }
        return out;
    }

    private static List<Set<String>> all(List<Set<String>> in, String prefix, Set<String> values) {
        if (in == null || values == null) {
            return in;
        }
        for (Set<String> a : in) {
            values.forEach(v -> a.add(prefix + v));
        }
        return in;
    }

    private static String written(Rule rule) {
        StringBuilder sb = new StringBuilder("(");
        append(sb, "groups_any", rule.groupsAny());
        append(sb, "groups_all", rule.groupsAll());
        append(sb, "scopes_any", rule.scopesAny());
        append(sb, "scopes_all", rule.scopesAll());
        new TreeMap<>(rule.claims()).forEach((k, v) ->
                sb.append(sb.length() > 1 ? ", " : "").append("claims.").append(k).append(' ').append(v.text()));
        return sb.append(')').toString();
    }

    /**
     * The ways a claim condition can hold, each written after {@code claim:NAME}: {@code =eng} for a
     * value, {@code  ends with @example.com} for a suffix, {@code  is true} for a boolean (never
     * {@code =true}, which is the text "true").
     */
    private static Set<String> claimForms(ClaimMatcher m) {
        Set<String> out = new TreeSet<>();
        if (m instanceof ClaimMatcher.OneOf o) {
            o.values().forEach(v -> out.add("=" + v));
        } else if (m instanceof ClaimMatcher.Suffix s) {
            s.suffixes().forEach(v -> out.add(" ends with " + v));
        } else if (m instanceof ClaimMatcher.Bool b) {
            out.add(" is " + b.value());
        }
        return out;
    }

    private static void append(StringBuilder sb, String key, Set<String> values) {
        if (values != null) {
            sb.append(sb.length() > 1 ? ", " : "").append(key).append(' ').append(new TreeSet<>(values));
        }
    }
}
