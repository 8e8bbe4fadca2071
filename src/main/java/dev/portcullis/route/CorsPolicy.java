package dev.portcullis.route;

import dev.portcullis.config.CorsConfig;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * A route's compiled {@code cors}: the origin set, the methods and headers a preflight may ask
 * for, and the response header values, all built once at load. Per request nothing is parsed but
 * the preflight's own {@code Access-Control-Request-Headers}.
 *
 * <p>{@link #NONE}: the route has no {@code cors}, so a preflight is gated like any request (401
 * without a token). {@link #PASSTHROUGH}: preflights reach the upstream without a token and the
 * upstream owns CORS. Otherwise the proxy {@linkplain #answers() answers} preflights itself and
 * owns the route's {@code Access-Control-*} response headers.
 */
public final class CorsPolicy {
    /** No {@code cors} on the route. */
    public static final CorsPolicy NONE = new CorsPolicy(false, false, Set.of(), Set.of(), Set.of(), false, null,
            null, null, null);
    /** {@code cors: passthrough}. */
    public static final CorsPolicy PASSTHROUGH = new CorsPolicy(false, true, Set.of(), Set.of(), Set.of(), false,
            null, null, null, null);

    /** Methods a browser sends without asking, so a preflight for them is never refused for its method. */
    private static final Set<String> SAFELISTED_METHODS = Set.of("GET", "HEAD", "POST");

    private final boolean answers;
    private final boolean passthrough;
    private final boolean anyOrigin;
    private final Set<String> origins;
    private final Set<String> methods;
    private final Set<String> headers;
    private final boolean credentials;
    private final String allowMethods;
    private final String allowHeaders;
    private final String exposeHeaders;
    private final String maxAgeSeconds;

    private CorsPolicy(boolean answers, boolean passthrough, Set<String> origins, Set<String> methods,
            Set<String> headers, boolean credentials, String allowMethods, String allowHeaders, String exposeHeaders,
            String maxAgeSeconds) {
        this.answers = answers;
        this.passthrough = passthrough;
        this.anyOrigin = origins.contains(CorsConfig.ANY_ORIGIN);
        this.origins = Set.copyOf(origins);
        this.methods = Set.copyOf(methods);
        this.headers = Set.copyOf(headers);
        this.credentials = credentials;
        this.allowMethods = allowMethods;
        this.allowHeaders = allowHeaders;
        this.exposeHeaders = exposeHeaders;
        this.maxAgeSeconds = maxAgeSeconds;
    }

    /** Compiles a validated {@code cors}; null compiles to {@link #NONE}. */
    public static CorsPolicy compile(CorsConfig c) {
        if (c == null) {
            return NONE;
        }
        if (c.passthrough()) {
            return PASSTHROUGH;
        }
        Set<String> lowerHeaders = new HashSet<>();
        c.allowedHeaders().forEach(h -> lowerHeaders.add(h.toLowerCase(Locale.ROOT)));
        return new CorsPolicy(true, false, Set.copyOf(c.allowedOrigins()), Set.copyOf(c.allowedMethods()),
                lowerHeaders, c.allowCredentials(), String.join(", ", c.allowedMethods()), joined(c.allowedHeaders()),
                joined(c.exposedHeaders()), c.maxAge() == null ? null : Long.toString(c.maxAge().toSeconds()));
    }

    private static String joined(List<String> names) {
        return names.isEmpty() ? null : String.join(", ", names);
    }

    /** The proxy answers this route's preflights and owns its {@code Access-Control-*} response headers. */
    public boolean answers() {
        return answers;
    }

    /** {@code cors: passthrough}: preflights go to the upstream without a token; the upstream owns CORS. */
    public boolean passthrough() {
        return passthrough;
    }

    /**
     * The {@code Access-Control-Allow-Origin} value for a request from {@code origin}: {@code *} when
     * any origin is allowed, the origin itself when it is listed (compared exactly, as browsers
     * serialize it), else null. Never an unlisted origin, and nothing on a route the proxy does not answer for.
     */
    public String allowOrigin(String origin) {
        if (!answers || origin == null) {
            return null;
        }
        if (anyOrigin) {
            return CorsConfig.ANY_ORIGIN;
        }
        return origins.contains(origin) ? origin : null;
    }

    /**
     * Whether a preflight from {@code origin} may go on with {@code method} and the headers it lists
     * ({@code Access-Control-Request-Headers}, comma-separated, any case; null for none).
     */
    public boolean allowsPreflight(String origin, String method, String requestHeaders) {
        if (allowOrigin(origin) == null || !(methods.contains(method) || SAFELISTED_METHODS.contains(method))) {
            return false;
        }
        if (requestHeaders == null) {
            return true;
        }
        for (String name : requestHeaders.split(",")) {
            String n = name.trim();
            if (!n.isEmpty() && !headers.contains(n.toLowerCase(Locale.ROOT))) {
                return false;
            }
        }
        return true;
    }

    /** Whether answers vary by the request's {@code Origin} ({@code Vary: Origin}): unless any origin is allowed. */
    public boolean variesByOrigin() {
        return answers && !anyOrigin;
    }

    public boolean allowCredentials() {
        return credentials;
    }

    /** {@code Access-Control-Allow-Methods}: the configured methods. */
    public String allowMethods() {
        return allowMethods;
    }

    /** {@code Access-Control-Allow-Headers}: the configured names, or null for none. */
    public String allowHeaders() {
        return allowHeaders;
    }

    /** {@code Access-Control-Expose-Headers}, or null for none. */
    public String exposeHeaders() {
        return exposeHeaders;
    }

    /** {@code Access-Control-Max-Age} in seconds, or null to leave it to the browser. */
    public String maxAgeSeconds() {
        return maxAgeSeconds;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CorsPolicy p && answers == p.answers && passthrough == p.passthrough
                && origins.equals(p.origins) && methods.equals(p.methods) && headers.equals(p.headers)
                && credentials == p.credentials && Objects.equals(allowMethods, p.allowMethods)
                && Objects.equals(allowHeaders, p.allowHeaders) && Objects.equals(exposeHeaders, p.exposeHeaders)
                && Objects.equals(maxAgeSeconds, p.maxAgeSeconds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(answers, passthrough, origins, methods, headers, allowMethods, maxAgeSeconds);
    }
}
