package dev.portcullis.config;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Semantic checks that need more than one key at a time. Secure defaults are enforced here: a
 * protected route without allow entries, an issuer without audiences, or a symmetric algorithm
 * are errors, not warnings. The issuers and the routes are checked by {@link IssuerChecks} and
 * {@link RouteChecks}; URLs and TLS files by {@link EndpointChecks}. Problems are reported in the
 * order of the checks below.
 */
final class ConfigValidator {
    private final Problems problems;
    private final EndpointChecks endpoints;

    ConfigValidator(Problems problems) {
        this.problems = problems;
        this.endpoints = new EndpointChecks(problems);
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
        AssertionKeyChecks.check(config.identityAssertion(), problems);
        for (int i = 0; i < config.tracing().trustedSources().size(); i++) {
            if (!Cidr.isValid(config.tracing().trustedSources().get(i))) {
                problems.add("/tracing/trusted_sources/" + i, "expected an IP address or CIDR block, e.g. 10.0.0.0/8");
            }
        }
        if (config.tracing().otlpEndpoint() != null) {
            endpoints.checkUrl("/tracing/otlp_endpoint", config.tracing().otlpEndpoint(), true);
        }
        if (config.tls() != null) {
            endpoints.validateTls("/tls", config.tls(), true);
        }
        Set<String> issuerIds = new IssuerChecks(problems, endpoints).validateIssuers(config.issuers());
        new RouteChecks(problems, endpoints).validateRoutes(config.routes(), issuerIds, config.routing());
        validateAssertionRoutes(config);
        validateOkta(config);
        new LoginChecks(problems, endpoints).validate(config);
        new SharedStateChecks(problems).validate(config);
        for (DetectionChecks.Problem p : DetectionChecks.check(config.detection())) {
            problems.add("/detection/" + p.key(), p.message());
        }
    }

    /**
     * {@code okta} and what needs it: an org URL for the API, and an issuer with {@code groups_source}
     * other than {@code token} needs the API; with the membership overlay on, every issuer needs
     * {@code max_token_lifetime}, the bound on how long the overlay remembers an event.
     */
    private void validateOkta(ProxyConfig config) {
        OktaConfig okta = config.okta();
        if (okta.orgUrl() != null) {
            endpoints.checkUrl("/okta/org_url", okta.orgUrl(), false);
        }
        if (okta.orgUrl() == null && (okta.apiToken() != null || okta.serviceApp() != null)) {
            problems.add("/okta", "an API token or a service app needs 'org_url', the org they belong to");
        }
        for (int i = 0; i < config.issuers().size(); i++) {
            IssuerConfig issuer = config.issuers().get(i);
            if (issuer.groupsSource() != IssuerConfig.GroupsSource.TOKEN && !okta.directoryApi()) {
                problems.add("/issuers/" + i + "/groups_source", "groups_source '" + issuer.groupsSource().word()
                        + "' reads the Okta Users API: set okta.org_url and okta.api_token_file (or okta.service_app)");
            }
            if (config.membershipOverlay() && issuer.maxTokenLifetime() == null) {
                problems.add("/issuers/" + i, "set 'max_token_lifetime': with "
                        + (okta.eventHook() != null ? "okta.event_hook" : "admin.token_file")
                        + " on, a membership change or revocation is kept until every token it concerns has"
                        + " expired, and max_token_lifetime bounds that");
            }
        }
    }

    /** {@code identity_assertion.routes}: each entry names a route, once (a typo would silently drop an assertion). */
    private void validateAssertionRoutes(ProxyConfig config) {
        List<String> listed = config.identityAssertion().routes();
        if (listed == null) {
            return;
        }
        Set<String> ids = new java.util.HashSet<>();
        config.routes().forEach(r -> ids.add(r.id()));
        Set<String> seen = new java.util.HashSet<>();
        for (int i = 0; i < listed.size(); i++) {
            String at = "/identity_assertion/routes/" + i;
            if (!ids.contains(listed.get(i))) {
                problems.add(at, "no route has the id '" + listed.get(i) + "'");
            } else if (!seen.add(listed.get(i))) {
                problems.add(at, "route '" + listed.get(i) + "' is listed twice");
            }
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
}
