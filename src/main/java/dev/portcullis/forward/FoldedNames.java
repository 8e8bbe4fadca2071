package dev.portcullis.forward;

import java.util.Map;

/**
 * Header names in {@link HeaderPolicy#lookalike} form (lower case, {@code _} and {@code .} read as
 * {@code -}), each with flags, looked up by a name as it came without building its look-alike
 * string: the request path asks this of every header of every request. ASCII only: a name with
 * another character is never folded here, its caller takes the string path
 * ({@link HeaderPolicy#lookalike}), which reads it as before.
 */
final class FoldedNames {
    private final String[] keys;
    private final int[] flags;

    /** @param entries names in look-alike form (ASCII ones only are kept) and their flags (not 0) */
    FoldedNames(Map<String, Integer> entries) {
        int size = Integer.highestOneBit(Math.max(1, entries.size()) * 4 - 1) << 1;
        keys = new String[size];
        flags = new int[size];
        entries.forEach((k, v) -> {
            if (!ascii(k)) {
                return;
            }
            int s = hash(k) & (size - 1);
            while (keys[s] != null && !keys[s].equals(k)) {
                s = (s + 1) & (size - 1);
            }
            keys[s] = k;
            flags[s] |= v;
        });
    }

    /** The flags of an ASCII name's look-alike form, or 0 when it has none. */
    int get(CharSequence name) {
        for (int s = hash(name) & (keys.length - 1); keys[s] != null; s = (s + 1) & (keys.length - 1)) {
            if (equalsFolded(name, keys[s])) {
                return flags[s];
            }
        }
        return 0;
    }

    static char fold(char c) {
        return c == '_' || c == '.' ? '-' : c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    private static int hash(CharSequence name) {
        int h = 0;
        for (int i = 0; i < name.length(); i++) {
            h = 31 * h + fold(name.charAt(i));
        }
        return h ^ (h >>> 16);
    }

    /** Whether {@code name}'s look-alike form is {@code folded} (itself in that form). */
    static boolean equalsFolded(CharSequence name, String folded) {
        return name.length() == folded.length() && startsWithFolded(name, folded);
    }

    static boolean startsWithFolded(CharSequence name, String prefix) {
        if (name.length() < prefix.length()) {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++) {
            if (fold(name.charAt(i)) != prefix.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** ASCII letters compared without case: {@code String.toLowerCase(Locale.ROOT)} of two ASCII strings, compared. */
    static boolean equalsIgnoreCase(CharSequence a, int from, int to, CharSequence b) {
        if (to - from != b.length()) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i - from);
            if (x != y && lower(x) != lower(y)) {
                return false;
            }
        }
        return true;
    }

    private static char lower(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
    }

    /** Whether the name's lower-case form is its look-alike form already (no {@code _} or {@code .}). */
    static boolean plain(CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '_' || c == '.') {
                return false;
            }
        }
        return true;
    }

    static boolean ascii(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
