package dev.portcullis.tools;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.config.RouteConfig;
import dev.portcullis.config.PathPattern;
import dev.portcullis.route.RoutePolicy;
import java.util.Objects;
import java.util.Set;

/**
 * One route as the policy tools see it: the {@link RoutePolicy} the proxy compiles, through the
 * same {@link RoutePolicy#compile}, without upstreams, TLS contexts or metrics.
 *
 * @param compiled  the route's policy half, as the proxy enforces it
 * @param everyRule the same entries with the {@code mode: audit} ones enforced too, in the same
 *                  positions: what traces and would-be decisions read
 * @param config    the route as written, for rule texts and locations
 */
public record PolicyRoute(RoutePolicy compiled, AccessPolicy everyRule, RouteConfig config) {

    public PolicyRoute {
        Objects.requireNonNull(compiled, "compiled");
        Objects.requireNonNull(everyRule, "everyRule");
        Objects.requireNonNull(config, "config");
    }

    /** The route's id. */
    public String id() {
        return compiled.id();
    }

    /** Canonical host, or null for any host. */
    public String host() {
        return compiled.host();
    }

    /** The compiled path pattern. */
    public PathPattern pattern() {
        return compiled.pattern();
    }

    /** The compiled access rules, as enforced. */
    public AccessPolicy policy() {
        return compiled.access();
    }

    /** Ids of the issuers whose tokens the route accepts, or null for all. */
    public Set<String> acceptedIssuers() {
        return compiled.acceptedIssuers();
    }

    /** {@code mode: audit}: the proxy forwards what it would refuse with 401 or 403, and logs it. */
    public boolean auditOnly() {
        return compiled.auditOnly();
    }

    /**
     * The match as written: {@code host/path}, or the path alone for routes on any host, followed by
     * the matching options that differ from the defaults ({@code (path_case: insensitive)},
     * {@code (trailing_slash: strict)}), so that reports and diffs show them.
     */
    public String matchText() {
        String text = (config.host() == null ? "" : config.host()) + config.path();
        if (pattern().caseInsensitive() && pattern().strictTrailingSlash()) {
            return text + " (path_case: insensitive, trailing_slash: strict)";
        }
        if (pattern().caseInsensitive()) {
            return text + " (path_case: insensitive)";
        }
        return pattern().strictTrailingSlash() ? text + " (trailing_slash: strict)" : text;
    }
}
