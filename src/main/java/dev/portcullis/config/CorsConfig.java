package dev.portcullis.config;

import java.time.Duration;
import java.util.List;

/**
 * A route's {@code cors}: either {@code passthrough} (preflights reach the upstream without a
 * token, and the upstream answers CORS itself), or the policy the proxy answers preflights with and
 * adds to the responses of allowed origins.
 *
 * @param passthrough      {@code cors: passthrough}; the lists below are then empty
 * @param allowedOrigins   {@code scheme://host[:port]} origins, or the single {@code *}
 * @param allowedMethods   methods a preflight may ask for (default {@code GET, HEAD, POST})
 * @param allowedHeaders   request headers a preflight may ask for, as written (compared case-insensitively)
 * @param exposedHeaders   response headers the page may read ({@code Access-Control-Expose-Headers})
 * @param allowCredentials {@code Access-Control-Allow-Credentials: true}; never with the {@code *} origin
 * @param maxAge           how long a browser may keep a preflight's answer, or null to let it decide
 */
public record CorsConfig(boolean passthrough, List<String> allowedOrigins, List<String> allowedMethods,
        List<String> allowedHeaders, List<String> exposedHeaders, boolean allowCredentials, Duration maxAge) {

    /** The methods a preflight may ask for when {@code allowed_methods} is not given: the CORS-safelisted ones. */
    public static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST");

    /** The origin that stands for any origin (never with credentials). */
    public static final String ANY_ORIGIN = "*";

    public static final CorsConfig PASSTHROUGH = new CorsConfig(true, List.of(), List.of(), List.of(), List.of(),
            false, null);

    public CorsConfig {
        allowedOrigins = List.copyOf(allowedOrigins);
        allowedMethods = List.copyOf(allowedMethods);
        allowedHeaders = List.copyOf(allowedHeaders);
        exposedHeaders = List.copyOf(exposedHeaders);
    }
}
