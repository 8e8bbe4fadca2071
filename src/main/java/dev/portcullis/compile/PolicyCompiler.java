package dev.portcullis.compile;

import dev.portcullis.authn.Authenticator;
import dev.portcullis.authn.GroupsResolver;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.config.IdentityAssertionConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.RouteConfig;
import dev.portcullis.config.UpstreamDefaultsConfig;
import dev.portcullis.config.UpstreamPolicyConfig;
import dev.portcullis.forward.AssertionKeys;
import dev.portcullis.forward.HeaderPolicy;
import dev.portcullis.forward.IdentityAssertions;
import dev.portcullis.forward.TlsContexts;
import dev.portcullis.forward.Upstream;
import dev.portcullis.forward.UpstreamSet;
import dev.portcullis.forward.UpstreamStates;
import dev.portcullis.membership.DirectoryGroups;
import dev.portcullis.membership.DirectoryGroupsResolver;
import dev.portcullis.observe.Metrics;
import dev.portcullis.route.RoutePolicy;
import dev.portcullis.route.RouteSlots;
import dev.portcullis.route.RouteTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLException;

/** Compiles a validated {@link ProxyConfig} into an immutable {@link Snapshot}. Load time only. */
public final class PolicyCompiler {
    private final Metrics metrics;
    private final Clock clock;
    private final RouteSlots slots;
    private final UpstreamStates upstreamStates;
    /** Users' groups from the Okta directory, outside any snapshot (its cache outlives a reload). */
    private volatile DirectoryGroups directory = DirectoryGroups.NONE;

    /**
     * @param slots in-flight counts by route id, outside any snapshot: every snapshot this compiles
     *              hands a route id the same counter, so a reload never doubles a concurrency cap
     */
    public PolicyCompiler(Metrics metrics, Clock clock, RouteSlots slots) {
        this(metrics, clock, slots, new UpstreamStates());
    }

    /**
     * @param upstreamStates what is known of each route's upstreams, outside any snapshot: a reload
     *                       that keeps a route's upstream keeps its failures, ejection and health
     */
    public PolicyCompiler(Metrics metrics, Clock clock, RouteSlots slots, UpstreamStates upstreamStates) {
        this.metrics = metrics;
        this.clock = clock;
        this.slots = slots;
        this.upstreamStates = upstreamStates;
    }

    /** Where {@code groups_source: okta_api | both} reads users' groups (none until set: they fail closed). */
    public PolicyCompiler withDirectory(DirectoryGroups groups) {
        this.directory = java.util.Objects.requireNonNull(groups, "groups");
        return this;
    }

    /**
     * @param keys the key sources of the config's issuers, by issuer id; they live outside the
     *             snapshot so that a reload does not flush them
     */
    public Snapshot compile(ProxyConfig config, Map<String, IssuerKeys> keys, AssertionKeys assertionKeys,
            String hash) {
        UpstreamDefaultsConfig d = config.upstreamDefaults();
        List<Route> routes = new ArrayList<>();
        for (RouteConfig r : config.routes()) {
            routes.add(new Route(RoutePolicy.compile(r, config), target(r, d), slots.of(r.id())));
        }
        RouteTable<Route> table = RouteTable.build(routes, Route::host, Route::pattern);
        boolean fromDirectory = DirectoryGroupsResolver.needed(config.issuers());
        java.util.Set<String> kept = keptClaims(config);
        if (fromDirectory) {
            kept.add(DirectoryGroupsResolver.USER_ID_CLAIM); // the user the directory is asked about
        }
        Authenticator authenticator = new Authenticator(config.issuers(), keys, clock,
                config.server().tokenCacheSize(), config.server().tokenCacheMaxBytes(), kept,
                metrics.tokenCacheCounter(), fromDirectory ? new DirectoryGroupsResolver(config.issuers(), directory,
                        config.okta().groups()) : GroupsResolver.TOKEN, config.server().tokenCacheSecondUse());
        IdentityAssertionConfig ia = config.identityAssertion();
        HeaderPolicy headers = new HeaderPolicy(config.identityHeaders(), ia.header(), config.trustedProxies(),
                config.tracing().trustedSources());
        IdentityAssertions assertions = ia.enabled() ? new IdentityAssertions(ia, assertionKeys, clock) : null;
        return new Snapshot(config, table, List.copyOf(routes), authenticator, headers, assertions,
                metrics.forRoute("-"), hash, clock.millis());
    }

    /**
     * The claims a verified identity keeps: those rules ask about and, with the membership overlay
     * on, {@code uid} and {@code iat}, which it matches directory events by.
     */
    static java.util.Set<String> keptClaims(ProxyConfig config) {
        java.util.Set<String> kept = RoutePolicy.ruleClaims(config.routes());
        if (config.membershipOverlay()) {
            kept.add("uid");
            kept.add("iat");
        }
        return kept;
    }

    /** The route's target half: its upstreams with their TLS context, timeouts and metric handles. */
    private RouteTarget target(RouteConfig r, UpstreamDefaultsConfig d) {
        TlsContexts.ClientTls tls = null;
        if (r.upstreamTls() != null) {
            try {
                tls = TlsContexts.clientTls(r.upstreamTls());
            } catch (SSLException e) {
                throw new IllegalArgumentException("route " + r.id() + ": upstream_tls: " + e.getMessage(), e);
            }
        }
        TlsContexts.ClientTls routeTls = tls;
        // Pools are keyed by the TLS identity itself (files' paths and bytes), not by the route
        // alone: after a reload that renews the client certificate or the CA, even at the same
        // paths, no connection made with the old identity is leased again.
        String tlsId = tls == null ? null : "route:" + r.id() + ":" + tls.id().substring(0, 32);
        TlsContexts.ClientTls h2Tls = h2Tls(r);
        List<Upstream> upstreams = r.upstreams().stream().map(u -> Upstream.of(u, routeTls, tlsId)
                .speaking(r.upstreamProtocol(), h2Tls)).toList();
        UpstreamPolicyConfig p = r.upstreamPolicy().orElse(d.upstreamPolicy());
        List<UpstreamSet.Member> members = upstreams.stream().map(u -> new UpstreamSet.Member(u,
                upstreamStates.of(r.id(), u.key()), UpstreamSet.label(u))).toList();
        UpstreamSet set = new UpstreamSet(members, p.leastRequest(), p.outlier(),
                metrics.upstreams().forRoute(r.id()), System::nanoTime);
        return new RouteTarget(set, p.retry(), p.healthCheck(), r.forwardToken(), r.preserveHost(),
                (int) (r.connectTimeout() != null ? r.connectTimeout() : d.connectTimeout()).toMillis(),
                (r.responseTimeout() != null ? r.responseTimeout() : d.responseTimeout()).toMillis(),
                metrics.forRoute(r.id()), r.websocket());
    }

    /** For {@code upstream_protocol: h2} to an https upstream: the route's TLS offering only {@code h2} by ALPN. */
    private static TlsContexts.ClientTls h2Tls(RouteConfig r) {
        if (r.upstreamProtocol() != dev.portcullis.config.UpstreamProtocol.H2
                || r.upstreams().stream().noneMatch(u -> u.regionMatches(true, 0, "https:", 0, 6))) {
            return null;
        }
        try {
            return TlsContexts.clientTls(r.upstreamTls(), true);
        } catch (SSLException e) {
            throw new IllegalArgumentException("route " + r.id() + ": upstream_tls: " + e.getMessage(), e);
        }
    }
}
