package dev.portcullis.config;

import dev.portcullis.detect.DetectionConfig;
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
        RoutingConfig routing) {

    public ProxyConfig {
        trustedProxies = List.copyOf(trustedProxies);
        issuers = List.copyOf(issuers);
        routes = List.copyOf(routes);
        files = List.copyOf(files);
    }

    /** The same config with routes (and the files they came from) replaced. */
    public ProxyConfig withRoutes(List<RouteConfig> newRoutes, List<String> newFiles) {
        return new ProxyConfig(source, listen, tls, admin, server, upstreamDefaults, trustedProxies, identityHeaders,
                identityAssertion, issuers, newRoutes, newFiles, detection, audit, tracing, routing);
    }

    /** The admin listener ({@code /healthz}, {@code /readyz}, {@code /metrics}). */
    public record AdminConfig(HostPort listen) {
    }

    /** A {@code host:port} listen address. */
    public record HostPort(String host, int port) {
        @Override
        public String toString() {
            return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        }
    }
}
