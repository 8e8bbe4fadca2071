package dev.portcullis.config;

import dev.portcullis.vocab.HostName;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the {@code routes}: ids and host+path patterns unique, upstreams usable, issuers that exist,
 * and a protected route that allows nothing by default but what its rules name.
 */
final class RouteChecks {
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "TRACE", "CONNECT");

    private final Problems problems;
    private final EndpointChecks endpoints;

    RouteChecks(Problems problems, EndpointChecks endpoints) {
        this.problems = problems;
        this.endpoints = endpoints;
    }

    void validateRoutes(List<RouteConfig> routes, Set<String> issuerIds, RoutingConfig routing) {
        Map<String, String> ids = new HashMap<>();
        Map<String, String> patterns = new HashMap<>();
        boolean anyProtected = false;
        for (int i = 0; i < routes.size(); i++) {
            RouteConfig r = routes.get(i);
            String at = "/routes/" + i;
            if (r.id() == null || r.id().isBlank()) {
                problems.add(at, "a route needs an 'id'");
            } else if (ids.containsKey(r.id())) {
                problems.add(at + "/id", "duplicate route id '" + r.id() + "' (first at " + ids.get(r.id()) + ")");
            } else {
                ids.put(r.id(), r.location());
            }
            if (r.host() != null && !HostName.isValidPattern(r.host())) {
                problems.add(at + "/match/host", "not a valid host name: '" + r.host() + "'");
            }
            if (r.path() == null) {
                problems.add(at + "/match", "a route needs 'match.path'");
            } else {
                try {
                    // Two case-insensitive patterns that differ in case only are the same route.
                    boolean folded = r.pattern(routing).caseInsensitive();
                    String key = (r.host() == null ? "*" : HostName.canonical(r.host())) + " "
                            + (folded ? "insensitive " + r.path().toLowerCase(java.util.Locale.ROOT) : r.path());
                    String previous = patterns.putIfAbsent(key, r.id());
                    if (previous != null) {
                        problems.add(at + "/match", "same host and path as route '" + previous + "'");
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(at + "/match/path", e.getMessage());
                }
            }
            if (r.upstreams().isEmpty()) {
                problems.add(at, "a route needs an 'upstream' URL (or a list of them)");
            }
            for (int u = 0; u < r.upstreams().size(); u++) {
                endpoints.checkUpstream(at + "/upstream" + (r.upstreams().size() > 1 ? "/" + u : ""), r.upstreams().get(u));
            }
            if (r.upstreamTls() != null) {
                endpoints.validateTls(at + "/upstream_tls", r.upstreamTls(), false);
                if (r.upstreams().stream().noneMatch(u -> u.regionMatches(true, 0, "https:", 0, 6))) {
                    problems.add(at + "/upstream_tls", "only used for https upstreams; this route has none");
                }
            }
            for (int k = 0; k < r.issuers().size(); k++) {
                if (!issuerIds.contains(r.issuers().get(k))) {
                    problems.add(at + "/issuers/" + k, "no issuer with id '" + r.issuers().get(k) + "'");
                }
            }
            if (r.isPublic()) {
                if (!r.allow().isEmpty() || !r.deny().isEmpty()) {
                    problems.add(at, "a public route takes no 'allow' or 'deny': remove them or 'public: true'");
                }
                if (r.forwardToken()) {
                    problems.add(at + "/forward_token", "a public route never verifies a token, so forwarding one"
                            + " would hand the service an unverified credential: remove 'forward_token' or"
                            + " 'public: true'");
                }
            } else {
                anyProtected = true;
                if (r.allow().isEmpty()) {
                    problems.add(at, "a route that is not public needs 'allow' entries; nothing is allowed by "
                            + "default (mark it 'public: true' if it needs no token)");
                }
                validateRules(at + "/allow", r.allow());
                validateRules(at + "/deny", r.deny());
            }
        }
        if (anyProtected && issuerIds.isEmpty()) {
            problems.add("/issuers", "protected routes need at least one issuer");
        }
    }

    private void validateRules(String at, List<RuleConfig> rules) {
        for (int i = 0; i < rules.size(); i++) {
            RuleConfig r = rules.get(i);
            String ra = at + "/" + i;
            boolean any = false;
            any |= nonEmpty(ra + "/methods", r.methods());
            any |= nonEmpty(ra + "/groups_any", r.groupsAny());
            any |= nonEmpty(ra + "/groups_all", r.groupsAll());
            any |= nonEmpty(ra + "/scopes_any", r.scopesAny());
            any |= nonEmpty(ra + "/scopes_all", r.scopesAll());
            // Claim conditions are checked where they are read (ClaimReader), each at its own key.
            any |= !r.claims().isEmpty();
            if (!any) {
                problems.add(ra, "a rule needs at least one condition; to let any valid token through, "
                        + "name the methods (e.g. methods: [GET])");
            }
            if (r.methods() != null) {
                for (int m = 0; m < r.methods().size(); m++) {
                    if (!METHODS.contains(r.methods().get(m))) {
                        problems.add(ra + "/methods/" + m, "unknown method '" + r.methods().get(m)
                                + "' (methods are upper case: " + String.join(", ", METHODS.stream().sorted().toList())
                                + ")");
                    }
                }
            }
        }
    }

    private boolean nonEmpty(String at, List<String> values) {
        if (values == null) {
            return false;
        }
        if (values.isEmpty()) {
            problems.add(at, "an empty list matches nothing; remove the key or list values");
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).isBlank()) {
                problems.add(at + "/" + i, "must not be blank");
            }
        }
        return true;
    }
}
