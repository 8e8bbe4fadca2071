package dev.portcullis.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads a route: its {@code match}, upstreams, {@code allow}/{@code deny} rules with their claims,
 * and {@code upstream_tls}; and the top-level {@code routing} defaults that routes inherit.
 */
final class RouteReader {
    static final Set<String> ROUTE_KEYS = Set.of("id", "match", "upstream", "public", "allow", "deny",
            "issuers", "forward_token", "preserve_host", "connect_timeout", "response_timeout", "upstream_tls",
            "max_body_size", "max_concurrent_requests", "mode", "method_override", "trailing_slash", "path_case",
            "cors", "load_balancing", "retry", "outlier_detection", "health_check", "login",
            "websocket", "upstream_protocol");
    static final Set<String> RULE_KEYS = Set.of("methods", "groups_any", "groups_all", "scopes_any",
            "scopes_all", "claims", "mode");
    static final Set<String> MATCH_KEYS = Set.of("host", "path");
    static final Set<String> ROUTING_KEYS = Set.of("path_case");

    private RouteReader() {
    }

    static RouteConfig route(ConfigNode n) {
        if (!n.expectObject()) {
            return new RouteConfig(null, null, null, List.of(), false, List.of(), List.of(), List.of(), false, false,
                    null, null, null, -1, 0, n.location(), false, null, false, null, null, null);
        }
        n.allowOnly(ROUTE_KEYS);
        ConfigNode match = n.get("match");
        String host = null;
        String path = null;
        if (match.expectObject()) {
            match.allowOnly(MATCH_KEYS);
            host = match.text("host", null);
            path = match.text("path", null);
        } else if (match.isMissing()) {
            n.error("a route needs 'match' with at least a 'path'");
        }
        List<String> upstreams = n.texts("upstream");
        List<String> issuers = n.texts("issuers");
        WebSocketConfig websocket = WebSocketReader.websocket(n);
        return new RouteConfig(
                n.text("id", null), host, path,
                upstreams == null ? List.of() : upstreams,
                n.bool("public", false),
                rules(n, "allow"), rules(n, "deny"),
                issuers == null ? List.of() : issuers,
                n.bool("forward_token", false),
                n.bool("preserve_host", false),
                n.duration("connect_timeout", null),
                n.duration("response_timeout", null),
                TlsReader.tls(n.get("upstream_tls"), false),
                n.number("max_body_size", -1, 0, Long.MAX_VALUE),
                (int) n.number("max_concurrent_requests", 0, 0, 1_000_000),
                n.location(), n.choice("mode", "enforce", "audit", false),
                n.choice("method_override", "refuse", "allow", null),
                n.choice("trailing_slash", "ignore", "strict", false),
                n.choice("path_case", "sensitive", "insensitive", null),
                CorsReader.cors(n),
                UpstreamPolicyReader.route(n),
                n.choice("login", "bearer", "browser", false),
                websocket,
                UpstreamProtocolReader.protocol(n, upstreams, websocket));
    }

    static RoutingConfig routing(ConfigNode n) {
        return Sections.read(n, ROUTING_KEYS, RoutingConfig.defaults(), d -> {
            Boolean insensitive = n.choice("path_case", "sensitive", "insensitive", null);
            return new RoutingConfig(insensitive != null ? insensitive : d.caseInsensitive());
        });
    }

    private static List<RuleConfig> rules(ConfigNode route, String key) {
        List<RuleConfig> out = new ArrayList<>();
        for (ConfigNode r : route.list(key)) {
            if (!r.expectObject()) {
                if (r.isMissing()) {
                    r.error("an empty rule would match every request; write the conditions out");
                }
                continue;
            }
            r.allowOnly(RULE_KEYS);
            out.add(new RuleConfig(r.texts("methods"), r.texts("groups_any"), r.texts("groups_all"),
                    r.texts("scopes_any"), r.texts("scopes_all"), ClaimReader.claims(r), r.location(), r.choice("mode", "enforce", "audit", false),
                    groupPlaces(r)));
        }
        return out;
    }

    /** Where each group of {@code groups_any}, then of {@code groups_all}, was written. */
    private static List<String> groupPlaces(ConfigNode rule) {
        List<String> out = new ArrayList<>(rule.places("groups_any"));
        out.addAll(rule.places("groups_all"));
        return out;
    }
}
