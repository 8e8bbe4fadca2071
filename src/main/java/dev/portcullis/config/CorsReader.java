package dev.portcullis.config;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads and checks a route's {@code cors}: {@code passthrough}, or a mapping whose
 * {@code allowed_origins} are exact origins ({@code scheme://host[:port]}, as browsers send them)
 * or the single {@code *}, never with {@code allow_credentials: true}. Each problem is reported at
 * its own key or list item.
 */
final class CorsReader {
    static final Set<String> CORS_KEYS = Set.of("allowed_origins", "allowed_methods", "allowed_headers",
            "exposed_headers", "allow_credentials", "max_age");
    /** Firefox keeps a preflight's answer for at most a day, Chromium for two hours: longer is a mistake. */
    static final Duration MAX_AGE_LIMIT = Duration.ofHours(24);

    private static final String PASSTHROUGH = "passthrough";
    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]*[a-z0-9])?";
    private static final Pattern ORIGIN = Pattern.compile(
            "([a-z][a-z0-9+.-]*)://(\\[[0-9a-f:.]+\\]|" + LABEL + "(?:\\." + LABEL + ")*)(?::([0-9]{1,5}))?");
    private static final Pattern METHOD = Pattern.compile("[A-Z][A-Z_-]*");
    /** An RFC 9110 field name (a token). */
    private static final Pattern HEADER = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private CorsReader() {
    }

    /** The route's {@code cors}, or null when it has none. */
    static CorsConfig cors(ConfigNode route) {
        ConfigNode n = route.get("cors");
        if (n.isMissing()) {
            return null;
        }
        if (!n.isObject()) {
            String word = n.isArray() || n.isBoolean() ? null : route.text("cors", null);
            if (!PASSTHROUGH.equals(word)) {
                n.error("expected 'passthrough' or a mapping with 'allowed_origins'");
            }
            return PASSTHROUGH.equals(word) ? CorsConfig.PASSTHROUGH : null;
        }
        n.allowOnly(CORS_KEYS);
        List<String> origins = origins(n);
        List<String> methods = list(n, "allowed_methods", METHOD, true, CorsConfig.DEFAULT_METHODS,
                "not a method: methods are upper-case tokens (GET, PUT, DELETE…); there is no wildcard");
        List<String> headers = list(n, "allowed_headers", HEADER, false, List.of(),
                "not a header name: list the names (Authorization, Content-Type…)");
        List<String> exposed = list(n, "exposed_headers", HEADER, false, List.of(),
                "not a header name: list the names (Location, ETag…)");
        boolean credentials = n.bool("allow_credentials", false);
        if (credentials && origins.contains(CorsConfig.ANY_ORIGIN)) {
            // Browsers refuse the pair too; accepting it would invite "fixing" it by echoing any origin.
            n.get("allow_credentials").error("the origin '*' with allow_credentials: true would let any site "
                    + "read answers made with the user's credentials: list the origins instead");
        }
        Duration maxAge = n.duration("max_age", null);
        if (maxAge != null && maxAge.compareTo(MAX_AGE_LIMIT) > 0) {
            n.get("max_age").error("must be at most 24h (browsers cap it lower), was " + Durations.format(maxAge));
            maxAge = null;
        }
        return new CorsConfig(false, origins, methods, headers, exposed, credentials, maxAge);
    }

    private static List<String> origins(ConfigNode cors) {
        ConfigNode o = cors.get("allowed_origins");
        if (o.isMissing()) {
            cors.error("'cors' needs 'allowed_origins': the origins (https://app.example.com) whose pages may call "
                    + "this route, or '*'");
            return List.of();
        }
        List<String> origins = items(o);
        if (origins.size() > 1 && origins.contains(CorsConfig.ANY_ORIGIN)) {
            o.error("'*' already allows every origin: list the origins, or '*' alone");
        }
        for (int i = 0; i < origins.size(); i++) {
            String problem = originProblem(origins.get(i));
            if (problem != null) {
                item(o, i).error(problem);
            }
        }
        duplicates(o, origins, true);
        return origins;
    }

    /** Why {@code origin} is not one an {@code Origin} header could carry, or null when it is. */
    static String originProblem(String origin) {
        if (origin.equals(CorsConfig.ANY_ORIGIN)) {
            return null;
        }
        if (origin.equals("null")) {
            return "'null' is the origin of sandboxed frames and local files, which any page can take on: "
                    + "it is never allowed";
        }
        var m = ORIGIN.matcher(origin);
        if (!m.matches()) {
            String lower = origin.toLowerCase(Locale.ROOT);
            if (!lower.equals(origin) && ORIGIN.matcher(lower).matches()) {
                return "write origins in lower case, as browsers send them: '" + lower + "'";
            }
            int authority = origin.indexOf("://");
            if (authority > 0 && origin.indexOf('/', authority + 3) > 0) {
                return "an origin has no path and no trailing slash: '"
                        + origin.substring(0, origin.indexOf('/', authority + 3)) + "'";
            }
            return "not an origin: expected scheme://host[:port] (https://app.example.com) or '*'";
        }
        if (m.group(3) != null) {
            int port = Integer.parseInt(m.group(3));
            if (port < 1 || port > 65535 || m.group(3).startsWith("0")) {
                return "not a port: " + m.group(3);
            }
            if ((m.group(1).equals("https") && port == 443) || (m.group(1).equals("http") && port == 80)) {
                return "browsers send the origin without its default port: '" + m.group(1) + "://" + m.group(2) + "'";
            }
        }
        return null;
    }

    /** A list of tokens, each matching {@code syntax}, none twice; {@code fallback} when the key is absent. */
    private static List<String> list(ConfigNode cors, String key, Pattern syntax, boolean caseSensitive,
            List<String> fallback, String problem) {
        ConfigNode n = cors.get(key);
        if (n.isMissing()) {
            return fallback;
        }
        List<String> values = items(n);
        for (int i = 0; i < values.size(); i++) {
            if (!syntax.matcher(values.get(i)).matches()) {
                item(n, i).error("'" + values.get(i) + "' is " + problem);
            }
        }
        duplicates(n, values, caseSensitive);
        return values;
    }

    /** The strings of a list (or of a single string); an empty list is an error; duplicates are reported. */
    private static List<String> items(ConfigNode n) {
        List<String> values = n.asTexts();
        if (values.isEmpty() && n.isArray()) {
            n.error("an empty list allows nothing; remove the key or list values");
        }
        return values;
    }

    private static void duplicates(ConfigNode n, List<String> values, boolean caseSensitive) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < values.size(); i++) {
            String v = caseSensitive ? values.get(i) : values.get(i).toLowerCase(Locale.ROOT);
            if (!seen.add(v)) {
                item(n, i).error("'" + values.get(i) + "' is listed twice");
            }
        }
    }

    private static ConfigNode item(ConfigNode list, int i) {
        return list.isArray() ? list.get(Integer.toString(i)) : list;
    }
}
