package dev.portcullis.config;

import java.time.Duration;
import java.util.List;

/**
 * One route: which requests it matches, where they go, and who may send them.
 *
 * @param id              unique name, used in logs and metrics
 * @param host            host to match (exact, case-insensitive), or null for any host
 * @param path            path pattern: {@code /a/**}, {@code /a/*}, or an exact path
 * @param upstreams       one or more base URLs, used round-robin
 * @param isPublic        no token needed; identity headers are still stripped
 * @param allow           rules of which one must match
 * @param deny            rules of which none may match
 * @param issuers         ids of the issuers whose tokens this route accepts (empty: all)
 * @param forwardToken    whether the client's Authorization header reaches the upstream
 * @param preserveHost    send the client's Host header upstream instead of the upstream's
 * @param connectTimeout  overrides the default, or null
 * @param responseTimeout overrides the default, or null
 * @param upstreamTls     CA bundle and client certificate for https upstreams, or null for the JVM's trust
 * @param maxBodySize     overrides server.max_body_size when not negative
 * @param audit           {@code mode: audit}: decisions are made, logged and counted, but refusals are not
 *                        enforced (the request is forwarded, without identity when there is none)
 * @param maxConcurrentRequests requests in flight to this route's upstreams at once (503 beyond); 0 = no limit
 * @param methodOverride  {@code method_override} of this route: true for {@code allow}, false for
 *                        {@code refuse}, null to follow {@code server.method_override}
 * @param strictTrailingSlash   {@code trailing_slash: strict}: an exact or {@code *} path does not also match
 *                              its trailing-slash form (the default, {@code ignore}, matches {@code /a/} as {@code /a})
 * @param caseInsensitive       {@code path_case: insensitive} (true) or {@code sensitive} (false); null when the
 *                              route does not say, and {@code routing.path_case} decides
 * @param cors                  {@code cors}: the CORS policy the proxy answers preflights with, {@code passthrough},
 *                              or null for none (a preflight is then gated like any request)
 * @param upstreamPolicy        {@code load_balancing}, {@code retry}, {@code outlier_detection} and
 *                              {@code health_check}: what the route says of them (the rest from {@code upstream_defaults})
 * @param browserLogin          {@code login: browser}: a browser without a session is sent to sign in, and a
 *                              session cookie is accepted beside bearer tokens; {@code login: bearer} (the default)
 *                              takes bearer tokens only
 * @param websocket             {@code websocket}: whether RFC 6455 upgrades reach the upstream, and the tunnel's
 *                              bounds ({@link WebSocketConfig#DISABLED} when the route does not say)
 * @param upstreamProtocol      {@code upstream_protocol}: HTTP/1.1 (the default), {@code h2} or {@code h2c}
 */
public record RouteConfig(
        String id,
        String host,
        String path,
        List<String> upstreams,
        boolean isPublic,
        List<RuleConfig> allow,
        List<RuleConfig> deny,
        List<String> issuers,
        boolean forwardToken,
        boolean preserveHost,
        Duration connectTimeout,
        Duration responseTimeout,
        TlsConfig upstreamTls,
        long maxBodySize,
        int maxConcurrentRequests,
        String location,
        boolean audit,
        Boolean methodOverride,
        boolean strictTrailingSlash,
        Boolean caseInsensitive,
        CorsConfig cors,
        UpstreamPolicyConfig upstreamPolicy,
        boolean browserLogin,
        WebSocketConfig websocket,
        UpstreamProtocol upstreamProtocol) {

    public RouteConfig {
        upstreamProtocol = upstreamProtocol == null ? UpstreamProtocol.HTTP1 : upstreamProtocol;
        websocket = websocket == null ? WebSocketConfig.DISABLED : websocket;
        upstreamPolicy = upstreamPolicy == null ? UpstreamPolicyConfig.unset() : upstreamPolicy;
        upstreams = List.copyOf(upstreams);
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
        issuers = List.copyOf(issuers);
    }

    /** A route whose upstreams speak HTTP/1.1. */
    public RouteConfig(String id, String host, String path, List<String> upstreams, boolean isPublic,
            List<RuleConfig> allow, List<RuleConfig> deny, List<String> issuers, boolean forwardToken,
            boolean preserveHost, Duration connectTimeout, Duration responseTimeout, TlsConfig upstreamTls,
            long maxBodySize, int maxConcurrentRequests, String location, boolean audit, Boolean methodOverride,
            boolean strictTrailingSlash, Boolean caseInsensitive, CorsConfig cors, UpstreamPolicyConfig upstreamPolicy,
            boolean browserLogin, WebSocketConfig websocket) {
        this(id, host, path, upstreams, isPublic, allow, deny, issuers, forwardToken, preserveHost, connectTimeout,
                responseTimeout, upstreamTls, maxBodySize, maxConcurrentRequests, location, audit, methodOverride,
                strictTrailingSlash, caseInsensitive, cors, upstreamPolicy, browserLogin, websocket, null);
    }

    /** A route without {@code websocket}. */
    public RouteConfig(String id, String host, String path, List<String> upstreams, boolean isPublic,
            List<RuleConfig> allow, List<RuleConfig> deny, List<String> issuers, boolean forwardToken,
            boolean preserveHost, Duration connectTimeout, Duration responseTimeout, TlsConfig upstreamTls,
            long maxBodySize, int maxConcurrentRequests, String location, boolean audit, Boolean methodOverride,
            boolean strictTrailingSlash, Boolean caseInsensitive, CorsConfig cors, UpstreamPolicyConfig upstreamPolicy,
            boolean browserLogin) {
        this(id, host, path, upstreams, isPublic, allow, deny, issuers, forwardToken, preserveHost, connectTimeout,
                responseTimeout, upstreamTls, maxBodySize, maxConcurrentRequests, location, audit, methodOverride,
                strictTrailingSlash, caseInsensitive, cors, upstreamPolicy, browserLogin, (WebSocketConfig) null);
    }

    /** A route that takes bearer tokens only. */
    public RouteConfig(String id, String host, String path, List<String> upstreams, boolean isPublic,
            List<RuleConfig> allow, List<RuleConfig> deny, List<String> issuers, boolean forwardToken,
            boolean preserveHost, Duration connectTimeout, Duration responseTimeout, TlsConfig upstreamTls,
            long maxBodySize, int maxConcurrentRequests, String location, boolean audit, Boolean methodOverride,
            boolean strictTrailingSlash, Boolean caseInsensitive, CorsConfig cors, UpstreamPolicyConfig upstreamPolicy) {
        this(id, host, path, upstreams, isPublic, allow, deny, issuers, forwardToken, preserveHost, connectTimeout,
                responseTimeout, upstreamTls, maxBodySize, maxConcurrentRequests, location, audit, methodOverride,
                strictTrailingSlash, caseInsensitive, cors, upstreamPolicy, false);
    }

    /** Whether a {@code _method} query parameter is forwarded on this route, with {@code server}'s default. */
    public boolean allowsMethodOverride(ServerConfig server) {
        return methodOverride != null ? methodOverride : server.methodOverrideAllowed();
    }

    /**
     * The route's compiled path pattern with its matching options: the one place that resolves them,
     * used by the proxy's and the policy tools' compilers alike. The path must have been validated.
     */
    public PathPattern pattern(RoutingConfig routing) {
        return PathPattern.parse(path).with(strictTrailingSlash,
                caseInsensitive != null ? caseInsensitive : routing.caseInsensitive());
    }
}
