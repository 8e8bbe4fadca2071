package dev.portcullis.tools;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.config.RouteConfig;
import dev.portcullis.config.PathPattern;
import java.util.Objects;
import java.util.Set;

/**
 * One route as the policy tools see it: the same host, pattern and {@link AccessPolicy} the proxy
 * compiles, without upstreams, TLS contexts or metrics.
 *
 * @param id              the route's id
 * @param host            canonical host, or null for any host
 * @param pattern         the compiled path pattern
 * @param policy          the compiled access rules, as enforced
 * @param everyRule       the same entries with the {@code mode: audit} ones enforced too, in the
 *                        same positions: what traces and would-be decisions read
 * @param acceptedIssuers ids of the issuers whose tokens the route accepts, or null for all
 * @param config          the route as written, for rule texts and locations
 */
public record PolicyRoute(String id, String host, PathPattern pattern, AccessPolicy policy, AccessPolicy everyRule,
        Set<String> acceptedIssuers, RouteConfig config) {

    public PolicyRoute {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(everyRule, "everyRule");
        Objects.requireNonNull(config, "config");
        acceptedIssuers = acceptedIssuers == null ? null : Set.copyOf(acceptedIssuers);
    }

    /** {@code mode: audit}: the proxy forwards what it would refuse with 401 or 403, and logs it. */
    public boolean auditOnly() {
        return config.audit();
    }

    /**
     * The match as written: {@code host/path}, or the path alone for routes on any host, followed by
     * the matching options that differ from the defaults ({@code (path_case: insensitive)},
     * {@code (trailing_slash: strict)}), so that reports and diffs show them.
     */
    public String matchText() {
        String text = (config.host() == null ? "" : config.host()) + config.path();
        if (pattern.caseInsensitive() && pattern.strictTrailingSlash()) {
            return text + " (path_case: insensitive, trailing_slash: strict)";
        }
        if (pattern.caseInsensitive()) {
            return text + " (path_case: insensitive)";
        }
        return pattern.strictTrailingSlash() ? text + " (trailing_slash: strict)" : text;
    }
}
