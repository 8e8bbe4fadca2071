package dev.portcullis.compile;

import dev.portcullis.authn.Authenticator;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.config.IdentityAssertionConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.RouteConfig;
import dev.portcullis.config.UpstreamDefaultsConfig;
import dev.portcullis.forward.AssertionKeys;
import dev.portcullis.forward.HeaderPolicy;
import dev.portcullis.forward.IdentityAssertions;
import dev.portcullis.forward.TlsContexts;
import dev.portcullis.forward.Upstream;
import javax.net.ssl.SSLException;
import dev.portcullis.observe.Metrics;
import dev.portcullis.vocab.HostName;
import dev.portcullis.route.RouteTable;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/** Compiles a validated {@link ProxyConfig} into an immutable {@link Snapshot}. Load time only. */
public final class PolicyCompiler {
    private final Metrics metrics;
    private final Clock clock;

    public PolicyCompiler(Metrics metrics, Clock clock) {
        this.metrics = metrics;
        this.clock = clock;
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
            AccessPolicy policy = AccessPolicy.forRoute(r);
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
            List<Upstream> upstreams = r.upstreams().stream().map(u -> Upstream.of(u, routeTls, tlsId)).toList();
            routes.add(new Route(r.id(), r.host() == null ? null : HostName.canonical(r.host()),
                    r.pattern(config.routing()), policy,
                    r.issuers().isEmpty() ? null : new HashSet<>(r.issuers()), upstreams, r.forwardToken(),
                    r.preserveHost(),
                    (int) (r.connectTimeout() != null ? r.connectTimeout() : d.connectTimeout()).toMillis(),
                    (r.responseTimeout() != null ? r.responseTimeout() : d.responseTimeout()).toMillis(),
                    metrics.forRoute(r.id()),
                    r.maxBodySize() >= 0 ? r.maxBodySize() : config.server().maxBodySize(),
                    r.maxConcurrentRequests(), r.audit(), r.allowsMethodOverride(config.server())));
        }
        RouteTable<Route> table = RouteTable.build(routes, Route::host, Route::pattern);
        java.util.Set<String> claimNames = new HashSet<>();
        for (RouteConfig r : config.routes()) {
            r.allow().forEach(rule -> claimNames.addAll(rule.claims().keySet()));
            r.deny().forEach(rule -> claimNames.addAll(rule.claims().keySet()));
        }
        Authenticator authenticator = new Authenticator(config.issuers(), keys, clock,
                config.server().tokenCacheSize(), config.server().tokenCacheMaxBytes(), claimNames,
                metrics.tokenCacheCounter());
        IdentityAssertionConfig ia = config.identityAssertion();
        HeaderPolicy headers = new HeaderPolicy(config.identityHeaders(), ia.header(), config.trustedProxies(),
                config.tracing().trustedSources());
        IdentityAssertions assertions = ia.enabled() ? new IdentityAssertions(ia, assertionKeys, clock) : null;
        return new Snapshot(config, table, List.copyOf(routes), authenticator, headers, assertions,
                metrics.forRoute("-"), hash, clock.millis());
    }
}
