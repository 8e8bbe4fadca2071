package dev.portcullis.route;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.PathPattern;
import dev.portcullis.config.RouteConfig;
import dev.portcullis.vocab.HostName;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The policy half of a compiled route: what it matches, who may pass and the limits it sets. The
 * proxy and the policy tools compile it through the same {@link #compile}, so they cannot drift.
 * A value: nothing here changes after load or knows of upstreams, TLS or metrics.
 *
 * @param id                    the route's id
 * @param host                  canonical host, or null for any host
 * @param pattern               the compiled path pattern, with its matching options
 * @param access                the compiled access rules, as enforced
 * @param acceptedIssuers       ids of the issuers whose tokens are accepted here, or null for all of them
 * @param auditOnly             {@code mode: audit}: refusals are logged and counted but not enforced
 * @param maxBodySize           largest request body accepted; 0 means no limit
 * @param maxConcurrentRequests requests in flight at once (503 beyond); 0 means no limit
 * @param methodOverrideAllowed {@code method_override: allow}: a {@code _method} query parameter is forwarded
 * @param cors                  the compiled {@code cors}: preflights answered here, passed through, or gated
 * @param loginIssuer           {@code login: browser}: the id of the issuer browsers sign in with (the one accepted
 *                              issuer with a {@code client}); null on a bearer-only route
 */
public record RoutePolicy(String id, String host, PathPattern pattern, AccessPolicy access,
        Set<String> acceptedIssuers, boolean auditOnly, long maxBodySize, int maxConcurrentRequests,
        boolean methodOverrideAllowed, CorsPolicy cors, String loginIssuer) {

    public RoutePolicy {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(cors, "cors");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(access, "access");
        acceptedIssuers = acceptedIssuers == null ? null : Set.copyOf(acceptedIssuers);
    }

    /** A bearer-only route. */
    public RoutePolicy(String id, String host, PathPattern pattern, AccessPolicy access, Set<String> acceptedIssuers,
            boolean auditOnly, long maxBodySize, int maxConcurrentRequests, boolean methodOverrideAllowed,
            CorsPolicy cors) {
        this(id, host, pattern, access, acceptedIssuers, auditOnly, maxBodySize, maxConcurrentRequests,
                methodOverrideAllowed, cors, null);
    }

    /** Whether browsers without a session are sent to sign in here ({@code login: browser}). */
    public boolean browserLogin() {
        return loginIssuer != null;
    }

    /** A route without {@code cors}. */
    public RoutePolicy(String id, String host, PathPattern pattern, AccessPolicy access, Set<String> acceptedIssuers,
            boolean auditOnly, long maxBodySize, int maxConcurrentRequests, boolean methodOverrideAllowed) {
        this(id, host, pattern, access, acceptedIssuers, auditOnly, maxBodySize, maxConcurrentRequests,
                methodOverrideAllowed, CorsPolicy.NONE);
    }

    /** Compiles one route of a validated config, with the server-wide defaults it falls back on. */
    public static RoutePolicy compile(RouteConfig r, ProxyConfig config) {
        return new RoutePolicy(r.id(), r.host() == null ? null : HostName.canonical(r.host()),
                r.pattern(config.routing()), AccessPolicy.forRoute(r),
                r.issuers().isEmpty() ? null : new HashSet<>(r.issuers()), r.audit(),
                r.maxBodySize() >= 0 ? r.maxBodySize() : config.server().maxBodySize(),
                r.maxConcurrentRequests(), r.allowsMethodOverride(config.server()), CorsPolicy.compile(r.cors()),
                loginIssuer(r, config));
    }

    /** The accepted issuer with a {@code client} a {@code login: browser} route signs in with (validated: exactly one). */
    private static String loginIssuer(RouteConfig r, ProxyConfig config) {
        if (!r.browserLogin()) {
            return null;
        }
        return config.issuers().stream()
                .filter(i -> i.client() != null && (r.issuers().isEmpty() || r.issuers().contains(i.id())))
                .map(dev.portcullis.config.IssuerConfig::id).findFirst().orElse(null);
    }

    /** Names of the claims some rule of these routes asks about: the claims an identity keeps, sorted. */
    public static Set<String> ruleClaims(List<RouteConfig> routes) {
        Set<String> names = new TreeSet<>();
        for (RouteConfig r : routes) {
            r.allow().forEach(rule -> names.addAll(rule.claims().keySet()));
            r.deny().forEach(rule -> names.addAll(rule.claims().keySet()));
        }
        return names;
    }
}
