package dev.portcullis.config;

import dev.portcullis.vocab.PathChars;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's path pattern: {@code /a/**} matches /a and everything below it, {@code *} matches
 * exactly one non-empty segment, anything else matches itself exactly. Patterns are compared
 * with normalized request paths, so they must themselves be normalized.
 *
 * <p>Literal segments hold only characters that a normalized path holds unencoded
 * ({@link PathChars#isPlainPathChar}), {@code *} excepted: {@code *} is always the wildcard
 * and only ever a whole segment, so {@code /a*b} is refused rather than read either way. Since
 * the normalizer decodes every escape of those characters, a literal segment can never be
 * skipped by spelling one of its characters as an escape.
 *
 * @param segments            the segments before any {@code **}; {@code *} stands for one segment
 * @param subtree             whether the pattern ends in {@code /**}
 * @param strictTrailingSlash {@code trailing_slash: strict}: an exact or {@code *} pattern does not
 *                            also match its trailing-slash form ({@code /a} does not match {@code /a/})
 * @param caseInsensitive     {@code path_case: insensitive}: literal segments match in any ASCII case
 *                            (and the few non-ASCII letters that Java and .NET fold to ASCII ones)
 */
public record PathPattern(List<String> segments, boolean subtree, boolean strictTrailingSlash,
        boolean caseInsensitive) {
    public static final String ONE = "*";

    public PathPattern {
        segments = List.copyOf(segments);
    }

    /** A pattern with the defaults: trailing slash ignored, case-sensitive. */
    public PathPattern(List<String> segments, boolean subtree) {
        this(segments, subtree, false, false);
    }

    /** The same pattern with the given options. */
    public PathPattern with(boolean strictTrailingSlash, boolean caseInsensitive) {
        return new PathPattern(segments, subtree, strictTrailingSlash, caseInsensitive);
    }

    public static PathPattern parse(String pattern) {
        if (pattern.isEmpty() || pattern.charAt(0) != '/') {
            throw new IllegalArgumentException("a path pattern starts with '/': '" + pattern + "'");
        }
        String[] parts = pattern.substring(1).split("/", -1);
        List<String> segments = new ArrayList<>();
        boolean subtree = false;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (p.equals("**")) {
                if (i != parts.length - 1) {
                    throw new IllegalArgumentException("'**' may only end a pattern: '" + pattern + "'");
                }
                subtree = true;
                continue;
            }
            if (p.isEmpty() && i != parts.length - 1) {
                throw new IllegalArgumentException("empty segment ('//') in '" + pattern
                        + "': request paths are matched with repeated slashes merged");
            }
            if (p.equals(".") || p.equals("..")) {
                throw new IllegalArgumentException("dot segments are not allowed in '" + pattern + "'");
            }
            if (!p.equals(ONE) && p.indexOf('*') >= 0) {
                throw new IllegalArgumentException("'*' must be a whole segment in '" + pattern
                        + "' (it is the wildcard, never a literal)");
            }
            for (int c = 0; c < p.length(); c++) {
                if (!PathChars.isPlainPathChar(p.charAt(c))) {
                    throw new IllegalArgumentException("character '" + p.charAt(c) + "' is not allowed in '"
                            + pattern + "' (patterns use unreserved characters and sub-delimiters, unencoded)");
                }
            }
            segments.add(p);
        }
        return new PathPattern(segments, subtree);
    }
}
