package dev.portcullis.route;

/**
 * Case folding of a normalized path segment, for routes with {@code path_case: insensitive}.
 *
 * <p>ASCII letters fold to lower case. A normalized path keeps non-ASCII characters encoded, and
 * no pattern can contain one, so they would never meet a literal; but a case-insensitive service
 * decodes them first and then folds them, and four non-ASCII letters fold to ASCII ones there:
 * {@code İ} (U+0130) and {@code K} (Kelvin sign, U+212A) lower-case to {@code i} and {@code k} in
 * Java ({@code Character.toLowerCase}, Spring's case-insensitive {@code PathPattern}), and
 * {@code ı} (U+0131) and {@code ſ} (U+017F) upper-case to {@code I} and {@code S} in .NET's
 * {@code OrdinalIgnoreCase} (ASP.NET Core routing). Their UTF-8 escapes fold to those ASCII
 * letters here too, so {@code /%E2%84%AAeys} meets the literal {@code keys} as it does in the
 * service.
 */
public final class PathCase {
    private static final String[][] NON_ASCII = {
        {"%C4%B0", "i"}, {"%C4%B1", "i"}, {"%C5%BF", "s"}, {"%E2%84%AA", "k"}};

    private PathCase() {
    }

    /** The folded form of a segment; the segment itself when folding changes nothing. */
    public static String fold(String segment) {
        int i = 0;
        while (i < segment.length() && !needsFolding(segment.charAt(i))) {
            i++;
        }
        if (i == segment.length()) {
            return segment;
        }
        StringBuilder sb = new StringBuilder(segment.length()).append(segment, 0, i);
        while (i < segment.length()) {
            char c = segment.charAt(i);
            String[] escape = c == '%' ? foldedEscape(segment, i) : null;
            if (escape != null) {
                sb.append(escape[1]);
                i += escape[0].length();
                continue;
            }
            if (c == '%' && i + 3 <= segment.length()) {
                sb.append(segment, i, i + 3); // another escape, kept as it is
                i += 3;
                continue;
            }
            sb.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
            i++;
        }
        return sb.toString();
    }

    private static boolean needsFolding(char c) {
        return (c >= 'A' && c <= 'Z') || c == '%';
    }

    private static String[] foldedEscape(String s, int at) {
        for (String[] e : NON_ASCII) {
            if (s.startsWith(e[0], at)) {
                return e;
            }
        }
        return null;
    }
}
