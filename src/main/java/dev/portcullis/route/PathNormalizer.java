package dev.portcullis.route;

import dev.portcullis.vocab.PathChars;

/**
 * Turns a request-target into the one path that both the policy and the upstream see.
 *
 * <p>Every upstream framework decodes paths its own way (Tomcat strips {@code ;} parameters,
 * Express decodes {@code %2F}, nginx merges slashes, Go cleans dot segments). A gate that
 * judges one string and forwards another is bypassable, so the path is normalized once, here,
 * and anything whose meaning differs between servers is refused instead of guessed at:
 * <ul>
 *   <li>every escape of a character that may stand unencoded in a normalized path
 *       ({@link #isPlainPathChar}: unreserved, the sub-delimiters but {@code ;}, {@code :} and
 *       {@code @}) is decoded, once ({@code %25} stays encoded, so {@code %252e} is never a dot):
 *       a service decodes {@code %3A} before it routes, so the gate must route on {@code :} too,
 *       and forwards the decoded form so that both read the same string. Every other escape
 *       ({@code %20}, {@code %3F}, {@code %3B}, non-ASCII UTF-8…) is kept, with upper-case hex:
 *       no route pattern can contain those characters ({@link PathPattern} accepts the plain
 *       characters only), so no literal route can be skipped by them;</li>
 *   <li>an encoded {@code /} or {@code \}, an encoded or raw control byte (NUL included), a raw
 *       {@code \}, a raw {@code ;} (path parameters), a non-ASCII byte, or a malformed escape is
 *       refused;</li>
 *   <li>dot segments are removed (RFC 3986 §5.2.4); climbing above the root is refused;</li>
 *   <li>repeated slashes are merged.</li>
 * </ul>
 * The query is kept byte for byte but must be free of control bytes and spaces.
 */
public final class PathNormalizer {
    private PathNormalizer() {
    }

    /** The normalized target, or {@code null} when the target must be refused with 400. */
    public static RequestTarget normalize(String target) {
        if (target.isEmpty() || target.charAt(0) != '/') {
            return null;
        }
        int q = target.indexOf('?');
        String rawPath = q < 0 ? target : target.substring(0, q);
        String query = q < 0 ? null : target.substring(q + 1);
        if (query != null && !validQuery(query)) {
            return null;
        }
        String decoded = decode(rawPath);
        if (decoded == null) {
            return null;
        }
        String path = removeDotSegments(decoded);
        return path == null ? null : new RequestTarget(path, query);
    }

    /**
     * Splits an absolute-form target ({@code http://host:port/path?q}) into its authority and
     * origin-form rest; returns null when the target is not absolute-form.
     */
    public static String[] splitAbsoluteForm(String target) {
        int schemeEnd;
        if (target.regionMatches(true, 0, "http://", 0, 7)) {
            schemeEnd = 7;
        } else if (target.regionMatches(true, 0, "https://", 0, 8)) {
            schemeEnd = 8;
        } else {
            return null;
        }
        int slash = target.indexOf('/', schemeEnd);
        int query = target.indexOf('?', schemeEnd);
        int end = slash < 0 ? (query < 0 ? target.length() : query) : (query < 0 ? slash : Math.min(slash, query));
        String authority = target.substring(schemeEnd, end);
        String rest = target.substring(end);
        if (rest.isEmpty() || rest.charAt(0) == '?') {
            rest = "/" + rest;
        }
        return new String[] {authority, rest};
    }

    /** See {@link PathChars#isPlainPathChar}; kept here for the normalizer's callers and tests. */
    public static boolean isPlainPathChar(char c) {
        return PathChars.isPlainPathChar(c);
    }

    private static boolean validQuery(String query) {
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c <= 0x20 || c >= 0x7F || c == '#') {
                return false;
            }
        }
        return true;
    }

    /** Decodes the escapes of plain characters, checks every byte, merges slashes. */
    private static String decode(String raw) {
        if (unchanged(raw)) {
            return raw; // the common case: nothing to decode or merge, and no copy made
        }
        StringBuilder out = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                if (i + 2 >= raw.length()) {
                    return null;
                }
                int hi = hexDigit(raw.charAt(i + 1));
                int lo = hexDigit(raw.charAt(i + 2));
                if (hi < 0 || lo < 0) {
                    return null;
                }
                char d = (char) (hi * 16 + lo);
                i += 2;
                if (d < 0x20 || d == 0x7F || d == '/' || d == '\\') {
                    return null;
                }
                // A plain character is decoded whatever it is (':' and '@' as much as 'a'): the
                // service decodes it before routing, and a pattern may name it literally.
                if (isPlainPathChar(d)) {
                    out.append(d);
                } else {
                    out.append('%').append(Character.toUpperCase(raw.charAt(i - 1)))
                            .append(Character.toUpperCase(raw.charAt(i)));
                }
            } else if (c == '/') {
                if (out.length() == 0 || out.charAt(out.length() - 1) != '/') {
                    out.append('/');
                }
            } else if (isPlainPathChar(c)) {
                out.append(c);
            } else {
                return null;
            }
        }
        return out.toString();
    }

    /** Whether {@link #decode} would give {@code raw} back as it is: plain characters and single slashes only. */
    private static boolean unchanged(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '/' ? i > 0 && raw.charAt(i - 1) == '/' : !isPlainPathChar(c)) {
                return false;
            }
        }
        return true;
    }

    /** ASCII hex digits only: {@link Character#digit} would also read e.g. Arabic-Indic or full-width digits. */
    static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** RFC 3986 §5.2.4 on a path whose slashes are already merged; null when it climbs above the root. */
    private static String removeDotSegments(String path) {
        if (path.indexOf('.') < 0) {
            return path;
        }
        String[] parts = path.substring(1).split("/", -1);
        String[] stack = new String[parts.length];
        int depth = 0;
        boolean trailingSlash = false;
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            boolean last = i == parts.length - 1;
            if (p.equals(".")) {
                trailingSlash = last;
            } else if (p.equals("..")) {
                if (depth == 0) {
                    return null;
                }
                depth--;
                trailingSlash = last;
            } else {
                stack[depth++] = p;
                trailingSlash = false;
            }
        }
        StringBuilder sb = new StringBuilder(path.length());
        for (int i = 0; i < depth; i++) {
            sb.append('/').append(stack[i]);
        }
        if (trailingSlash || sb.length() == 0) {
            sb.append('/');
        }
        return sb.toString();
    }
}
