package dev.portcullis.route;

/**
 * Finds a method-override parameter in a query string.
 *
 * <p>Laravel, Symfony with {@code http_method_override}, Spring's {@code HiddenHttpMethodFilter}
 * and others serve {@code POST /x?_method=DELETE} as a {@code DELETE}, while the gate judged a
 * {@code POST}: a {@code deny} on {@code DELETE} would not apply. A parameter counts when its name,
 * read the way the most lenient of those frameworks reads names, is {@code _method} in any case:
 * percent-escapes and {@code +} decoded once, leading spaces dropped and {@code .} or a space
 * taken as {@code _} (PHP), and anything from {@code [} on ignored ({@code _method[]}, PHP and
 * Rack), as is anything from a decoded NUL on (PHP reads names as C strings). Parameters are separated by {@code &} or {@code ;} (older Rack splits on both). The
 * value does not matter, and names that merely contain the word ({@code x_method}) do not count.
 *
 * <p>Allocation-free: it runs on every request that has a query.
 */
public final class MethodOverride {
    private static final String NAME = "_method";

    private MethodOverride() {
    }

    /** Whether {@code query} (raw, without {@code ?}; null for none) has a {@code _method} parameter. */
    public static boolean inQuery(String query) {
        if (query == null) {
            return false;
        }
        int start = 0;
        while (start <= query.length()) {
            int end = start;
            while (end < query.length() && query.charAt(end) != '&' && query.charAt(end) != ';') {
                end++;
            }
            if (namesOverride(query, start, end)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    /** Whether the parameter in {@code query[start, end)} is named {@code _method} (see the class comment). */
    private static boolean namesOverride(String query, int start, int end) {
        int matched = 0;
        boolean leading = true;
        for (int i = start; i < end; i++) {
            int c = query.charAt(i);
            if (c == '=') {
                break;
            }
            int hi = c == '%' && i + 2 < end ? PathNormalizer.hexDigit(query.charAt(i + 1)) : -1;
            int lo = hi < 0 ? -1 : PathNormalizer.hexDigit(query.charAt(i + 2));
            if (lo >= 0) {
                c = hi * 16 + lo;
                i += 2;
            } else if (c == '+') {
                c = ' ';
            }
            if (leading && c == ' ') {
                continue;
            }
            leading = false;
            if (c == '[' || c == 0) {
                break;
            }
            if (c == '.' || c == ' ') {
                c = '_';
            }
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (matched == NAME.length() || c != NAME.charAt(matched)) {
                return false;
            }
            matched++;
        }
        return matched == NAME.length();
    }
}
