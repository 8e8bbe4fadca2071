package dev.portcullis.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks the {@code issuers}: each needs an id, an exact iss, audiences and asymmetric algorithms
 * only, and no two may be told apart by nothing.
 */
final class IssuerChecks {
    /** Asymmetric JWS algorithms only: an HMAC algorithm with a published key would let anyone sign. */
    static final Set<String> ALLOWED_ALGORITHMS = Set.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512",
            "ES256", "ES384", "ES512");

    private final Problems problems;
    private final EndpointChecks endpoints;

    IssuerChecks(Problems problems, EndpointChecks endpoints) {
        this.problems = problems;
        this.endpoints = endpoints;
    }

    /** Checks the issuers and returns the ids they declare, for the routes to refer to. */
    Set<String> validateIssuers(List<IssuerConfig> issuers) {
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
                endpoints.checkUrl(at + "/issuer", c.issuer(), false);
                checkNotOktaOrgServer(at + "/issuer", c.issuer());
                if (!urls.add(c.issuer())) {
                    problems.add(at + "/issuer", "another issuer has the same iss; tokens could not be told apart");
                }
            }
            if (c.jwksUri() != null) {
                endpoints.checkUrl(at + "/jwks_uri", c.jwksUri(), true);
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
}
