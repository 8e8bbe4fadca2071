package dev.portcullis.config;

import dev.portcullis.vocab.HostName;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Semantic checks that need more than one key at a time. Secure defaults are enforced here: a
 * protected route without allow entries, an issuer without audiences, or a symmetric algorithm
 * are errors, not warnings.
 */
final class ConfigValidator {
    /** Asymmetric JWS algorithms only: an HMAC algorithm with a published key would let anyone sign. */
    static final Set<String> ALLOWED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512");
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
            "TRACE", "CONNECT");

    private final Problems problems;

    ConfigValidator(Problems problems) {
        this.problems = problems;
    }

    void validate(ProxyConfig config) {
        if (config.listen().port() != 0 && config.listen().equals(config.admin().listen())) {
            problems.add("/admin/listen", "the admin listener must not share the proxy's address");
        }
        for (int i = 0; i < config.trustedProxies().size(); i++) {
            if (!Cidr.isValid(config.trustedProxies().get(i))) {
                problems.add("/trusted_proxies/" + i, "expected an IP address or CIDR block, e.g. 10.0.0.0/8");
            }
        }
        validateHeaders(config.identityHeaders(), config.identityAssertion());
        for (int i = 0; i < config.tracing().trustedSources().size(); i++) {
            if (!Cidr.isValid(config.tracing().trustedSources().get(i))) {
                problems.add("/tracing/trusted_sources/" + i, "expected an IP address or CIDR block, e.g. 10.0.0.0/8");
            }
        }
        if (config.tracing().otlpEndpoint() != null) {
            checkUrl("/tracing/otlp_endpoint", config.tracing().otlpEndpoint(), true);
        }
        if (config.tls() != null) {
            validateTls("/tls", config.tls(), true);
        }
        Set<String> issuerIds = validateIssuers(config.issuers());
        validateRoutes(config.routes(), issuerIds, config.routing());
        for (DetectionChecks.Problem p : DetectionChecks.check(config.detection())) {
            problems.add("/detection/" + p.key(), p.message());
        }
    }

    private void validateHeaders(IdentityHeadersConfig h, IdentityAssertionConfig a) {
        Map<String, String> seen = new HashMap<>();
        String[][] named = {{"identity_headers/subject", h.subject()}, {"identity_headers/groups", h.groups()},
            {"identity_headers/email", h.email()}, {"identity_headers/issuer", h.issuer()},
            {"identity_headers/scopes", h.scopes()}, {"identity_assertion/header", a.header()}};
        if (a.lifetime().toSeconds() < 5 || a.lifetime().toMinutes() > 60) {
            problems.add("/identity_assertion/lifetime", "between 5s and 1h: it is a short-lived proof");
        }
        if (a.rotateEvery().toMinutes() < 1) {
            problems.add("/identity_assertion/rotate_every", "at least 1m");
        }
        for (String[] entry : named) {
            String value = entry[1];
            String at = "/" + entry[0];
            if (value == null || !value.matches("[A-Za-z0-9][A-Za-z0-9-]*")) {
                problems.add(at, "a header name of letters, digits and '-' is required");
                continue;
            }
            String previous = seen.put(value.toLowerCase(Locale.ROOT), entry[0]);
            if (previous != null) {
                problems.add(at, "same header as " + previous.replace('/', '.'));
            }
        }
    }

    private Set<String> validateIssuers(List<IssuerConfig> issuers) {
        Set<String> ids = new HashSet<>();
        Set<String> urls = new HashSet<>();
        for (int i = 0; i < issuers.size(); i++) {
            IssuerConfig c = issuers.get(i);
            String at = "/issuers/" + i;
            if (c.id() == null || c.id().isBlank()) {
                problems.add(at, "an issuer needs an 'id'");
            } else if (!ids.add(c.id())) {
                problems.add(at + "/id", "duplicate issuer id '" + c.id() + "'");
            }
            if (c.issuer() == null || c.issuer().isBlank()) {
                problems.add(at, "an issuer needs 'issuer', the exact iss value of its tokens");
            } else {
                checkUrl(at + "/issuer", c.issuer(), false);
                checkNotOktaOrgServer(at + "/issuer", c.issuer());
                if (!urls.add(c.issuer())) {
                    problems.add(at + "/issuer", "another issuer has the same iss; tokens could not be told apart");
                }
            }
            if (c.jwksUri() != null) {
                checkUrl(at + "/jwks_uri", c.jwksUri(), true);
            }
            if (c.audiences().isEmpty()) {
                problems.add(at, "an issuer needs 'audiences': without an audience check, a token minted for "
                        + "any other API of the same issuer would be accepted");
            }
            if (c.algorithms().isEmpty()) {
                problems.add(at + "/algorithms", "list at least one algorithm");
            }
            for (int a = 0; a < c.algorithms().size(); a++) {
                String alg = c.algorithms().get(a);
                if (!ALLOWED_ALGORITHMS.contains(alg)) {
                    problems.add(at + "/algorithms/" + a, "algorithm '" + alg + "' is not accepted; use asymmetric "
                            + "algorithms only (" + String.join(", ", ALLOWED_ALGORITHMS.stream().sorted().toList())
                            + "): 'none' and HMAC algorithms would let a client forge tokens");
                }
            }
            if (c.groupsClaim() == null || c.groupsClaim().isBlank()) {
                problems.add(at + "/groups_claim", "must not be empty");
            }
            if (c.clockSkew().compareTo(Duration.ofMinutes(5)) > 0) {
                problems.add(at + "/clock_skew", "at most 5m: a larger skew keeps expired tokens alive");
            }
            if (c.maxTokenLifetime() != null && c.maxTokenLifetime().isZero()) {
                problems.add(at + "/max_token_lifetime", "must be longer than 0s");
            }
            if (c.jwksMinRefetch().compareTo(Duration.ofMillis(100)) < 0) {
                problems.add(at + "/jwks_min_refetch_interval", "at least 100ms: it protects the issuer from floods");
            }
        }
        return ids;
    }

    /** Okta's org authorization server signs tokens for Okta's own APIs; they cannot be validated locally. */
    private void checkNotOktaOrgServer(String at, String issuer) {
        try {
            URI u = new URI(issuer);
            String host = u.getHost() == null ? "" : u.getHost().toLowerCase(Locale.ROOT);
            boolean okta = host.endsWith(".okta.com") || host.endsWith(".oktapreview.com")
                    || host.endsWith(".okta-emea.com");
            String path = u.getPath() == null ? "" : u.getPath();
            if (okta && !path.startsWith("/oauth2/")) {
                problems.add(at, "this is Okta's org authorization server, whose access tokens are meant for Okta's"
                        + " own APIs and cannot be validated locally; use a custom authorization server, e.g. "
                        + issuer.replaceAll("/+$", "") + "/oauth2/default");
            }
        } catch (URISyntaxException ignored) {
            // reported by checkUrl
        }
    }

    private void checkUrl(String at, String value, boolean allowPath) {
        try {
            URI u = new URI(value);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (u.getHost() == null || !(scheme.equals("https") || scheme.equals("http"))) {
                problems.add(at, "expected an absolute http(s) URL, was '" + value + "'");
                return;
            }
            if (scheme.equals("http") && !HostName.isLoopback(u.getHost())) {
                problems.add(at, "plain http is accepted for loopback addresses only; use https");
            }
            if (!allowPath && (u.getQuery() != null || u.getFragment() != null)) {
                problems.add(at, "must not have a query or fragment");
            }
        } catch (URISyntaxException e) {
            problems.add(at, "not a URL: " + e.getReason());
        }
    }

    private void validateRoutes(List<RouteConfig> routes, Set<String> issuerIds, RoutingConfig routing) {
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
                checkUpstream(at + "/upstream" + (r.upstreams().size() > 1 ? "/" + u : ""), r.upstreams().get(u));
            }
            if (r.upstreamTls() != null) {
                validateTls(at + "/upstream_tls", r.upstreamTls(), false);
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

    private void validateTls(String at, TlsConfig t, boolean listener) {
        if (listener && (t.certFile() == null || t.keyFile() == null)) {
            problems.add(at, "TLS on the listener needs 'cert_file' and 'key_file'");
        }
        if (!listener && (t.certFile() == null) != (t.keyFile() == null)) {
            problems.add(at, "a client certificate needs both 'cert_file' and 'key_file'");
        }
        String[][] files = {{"cert_file", t.certFile()}, {"key_file", t.keyFile()}, {"ca_file", t.caFile()}};
        for (String[] f : files) {
            if (f[1] != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(f[1]))) {
                problems.add(at + "/" + f[0], "cannot read '" + f[1] + "'");
            }
        }
        if (listener && t.reloadInterval().toSeconds() < 1) {
            problems.add(at + "/reload_interval", "at least 1s");
        }
    }

    private void checkUpstream(String at, String value) {
        try {
            URI u = new URI(value);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (u.getHost() == null || !(scheme.equals("http") || scheme.equals("https"))) {
                problems.add(at, "expected an http(s) URL such as http://127.0.0.1:9001, was '" + value + "'");
            } else if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/")) {
                problems.add(at, "an upstream URL has no path: the request's path is forwarded as it is");
            } else if (u.getQuery() != null || u.getFragment() != null || u.getUserInfo() != null) {
                problems.add(at, "an upstream URL has no query, fragment or user info");
            }
        } catch (URISyntaxException e) {
            problems.add(at, "not a URL: " + e.getReason());
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
            for (Map.Entry<String, List<String>> c : r.claims().entrySet()) {
                any = true;
                nonEmpty(ra + "/claims/" + c.getKey(), c.getValue());
            }
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
