package dev.portcullis.config;

/**
 * {@code routing:}: how request paths are matched against route patterns, for every route that
 * does not say otherwise.
 *
 * @param caseInsensitive {@code path_case: insensitive}: literal path segments match in any case,
 *                        for upstreams that route case-insensitively (default {@code sensitive})
 */
public record RoutingConfig(boolean caseInsensitive) {

    public static RoutingConfig defaults() {
        return new RoutingConfig(false);
    }
}
