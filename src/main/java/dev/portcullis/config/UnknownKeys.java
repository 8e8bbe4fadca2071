package dev.portcullis.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The one message for a key that a mapping does not accept, with a "did you mean …?" when a
 * valid key of that mapping is a likely typo away ({@code upstrem} → {@code upstream}). Used by
 * the config reader and the policy tools' case reader alike.
 */
public final class UnknownKeys {
    private UnknownKeys() {
    }

    /** {@code unknown key 'alow': did you mean 'allow'? (expected one of …)}. */
    public static String message(String key, Collection<String> allowed) {
        List<String> sorted = allowed.stream().sorted().toList();
        List<String> close = suggestions(key, sorted);
        StringBuilder sb = new StringBuilder("unknown key '").append(key).append('\'');
        if (!close.isEmpty()) {
            sb.append(": did you mean '").append(String.join("' or '", close)).append("'?");
        }
        return sb.append(" (expected one of ").append(String.join(", ", sorted)).append(')').toString();
    }

    /** The names nearest to {@code name} as {@link #suggestions} picks them (a group name's typo, too). */
    public static List<String> nearest(String name, Collection<String> names) {
        return suggestions(name, names);
    }

    /**
     * The accepted keys nearest to {@code key}, all at the same smallest distance, in name order;
     * none when even the nearest is too far to be a typo: more than two edits, or more than a third
     * of the key's length (so {@code ab} suggests nothing rather than any two-letter key).
     */
    static List<String> suggestions(String key, Collection<String> allowed) {
        String k = key.toLowerCase(Locale.ROOT);
        int limit = Math.min(2, Math.max(1, k.length() / 3));
        int best = Integer.MAX_VALUE;
        List<String> out = new ArrayList<>();
        for (String candidate : allowed.stream().sorted().toList()) {
            int d = distance(k, candidate.toLowerCase(Locale.ROOT));
            if (d > limit || d > best) {
                continue;
            }
            if (d < best) {
                best = d;
                out.clear();
            }
            out.add(candidate);
        }
        return out;
    }

    /**
     * Edits (insert, delete, replace, or swap two neighbours) from {@code a} to {@code b}: the
     * optimal string alignment distance, so {@code gropus} is one edit from {@code groups}.
     */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
    }
}
