package dev.portcullis.config;

import java.util.List;

/**
 * The whole config file, as read and before compilation. Plain data: the validator checks it,
 * the {@link PolicyCompiler} turns it into a {@link Snapshot}.
 */
public record ProxyConfig(
        String source,
        HostPort listen,
        TlsConfig tls,
        AdminConfig admin,
        ServerConfig server,
        UpstreamDefaultsConfig upstreamDefaults,
        List<String> trustedProxies,
        IdentityHeadersConfig identityHeaders,
        IdentityAssertionConfig identityAssertion,
        List<IssuerConfig> issuers,
        List<RouteConfig> routes,
        List<String> files,
        DetectionConfig detection,
        AuditConfig audit,
        TracingConfig tracing,
        RoutingConfig routing,
        ShutdownConfig shutdown,
        OktaConfig okta,
        SessionsConfig sessions,
        SharedStateConfig sharedState) {

    public ProxyConfig {
        sessions = sessions == null ? SessionsConfig.defaults() : sessions;
        sharedState = sharedState == null ? SharedStateConfig.NONE : sharedState;
        trustedProxies = List.copyOf(trustedProxies);
        issuers = List.copyOf(issuers);
        routes = List.copyOf(routes);
        files = List.copyOf(files);
        okta = okta == null ? OktaConfig.NONE : okta;
    }

    /**
     * Whether the membership overlay is on: Okta's Event Hooks or operators' revocations
     * ({@code admin.token_file}) can take access away from tokens already issued. Every issuer then
     * needs {@code max_token_lifetime}, which bounds how long an overlay entry is kept.
     */
    public boolean membershipOverlay() {
        return okta.eventHook() != null || admin.tokenFile() != null;
    }

    /** Whether some route signs browsers in ({@code login: browser}): sessions are then kept. */
    public boolean browserSessions() {
        return routes.stream().anyMatch(RouteConfig::browserLogin);
    }

    /** The same config with routes (and the files they came from) replaced. */
    public ProxyConfig withRoutes(List<RouteConfig> newRoutes, List<String> newFiles) {
        return new ProxyConfig(source, listen, tls, admin, server, upstreamDefaults, trustedProxies, identityHeaders,
                identityAssertion, issuers, newRoutes, newFiles, detection, audit, tracing, routing, shutdown, okta,
                sessions, sharedState);
    }

    /**
     * The admin listener ({@code /healthz}, {@code /readyz}, {@code /metrics}, the assertion JWKS).
     *
     * @param listen            its address
     * @param maxConnections    admin connections held open at once; more are closed on accept
     * @param headerReadTimeout a request must arrive within this once it starts, else 408 and close
     * @param idleTimeout       a connection with no traffic for this long is closed
     */
    public record AdminConfig(HostPort listen, int maxConnections, java.time.Duration headerReadTimeout,
            java.time.Duration idleTimeout, String tokenFile) {
        /** At {@code listen}, with the default limits. */
        public AdminConfig(HostPort listen) {
            this(listen, 256, java.time.Duration.ofSeconds(5), java.time.Duration.ofSeconds(30), null);
        }

        /** With no {@code token_file}: no mutating admin endpoint is served. */
        public AdminConfig(HostPort listen, int maxConnections, java.time.Duration headerReadTimeout,
                java.time.Duration idleTimeout) {
            this(listen, maxConnections, headerReadTimeout, idleTimeout, null);
        }
    }

    /** A {@code host:port} listen address. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
