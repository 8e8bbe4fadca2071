package dev.portcullis.route;

import java.util.ArrayList;
import java.util.List;

/**
 * A route's path pattern: {@code /a/**} matches /a and everything below it, {@code *} matches
 * exactly one non-empty segment, anything else matches itself exactly. Patterns are compared
 * with normalized request paths, so they must themselves be normalized.
 *
 * @param segments the segments before any {@code **}; {@code *} stands for one segment
 * @param subtree  whether the pattern ends in {@code /**}
 */
public record PathPattern(List<String> segments, boolean subtree) {
    public static final String ONE = "*";

    public PathPattern {
        segments = List.copyOf(segments);
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
                throw new IllegalArgumentException("'*' must be a whole segment in '" + pattern + "'");
            }
            for (int c = 0; c < p.length(); c++) {
                if (!PathNormalizer.isPlainPathChar(p.charAt(c)) && p.charAt(c) != '*') {
                    throw new IllegalArgumentException("character '" + p.charAt(c) + "' is not allowed in '"
                            + pattern + "' (patterns use unreserved characters and sub-delimiters, unencoded)");
                }
            }
            segments.add(p);
        }
        return new PathPattern(segments, subtree);
    }
}
