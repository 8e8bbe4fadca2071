package dev.portcullis.config;

import java.time.Duration;
import java.util.List;

/**
 * One trusted token issuer (an Okta custom authorization server, or any OIDC issuer).
 *
 * @param id                  name used in logs, metrics and route references
 * @param issuer              the exact {@code iss} value; also the base for OIDC discovery
 * @param audiences           accepted {@code aud} values (a token must carry at least one)
 * @param jwksUri             keys endpoint; discovered from the issuer when null
 * @param groupsClaim         claim holding the caller's groups
 * @param emailClaim          claim holding the caller's e-mail address
 * @param algorithms          accepted JWS algorithms (asymmetric only)
 * @param clockSkew           leeway for {@code exp}, {@code nbf} and {@code iat}
 * @param maxTokenLifetime    longest accepted {@code exp - iat}; null means unbounded
 * @param jwksRefreshInterval how often keys are refetched when the response has no max-age
 * @param jwksMinRefetch      minimum time between fetches caused by unknown {@code kid}s
 * @param groupsSource        {@code groups_source}: the token's groups claim, the Okta Users API, or both
 * @param client              {@code client}: the OIDC client browsers sign in as, or null (bearer tokens only)
 */
public record IssuerConfig(
        String id,
        String issuer,
        List<String> audiences,
        String jwksUri,
        String groupsClaim,
        String emailClaim,
        List<String> algorithms,
        Duration clockSkew,
        Duration maxTokenLifetime,
        Duration jwksRefreshInterval,
        Duration jwksMinRefetch,
        GroupsSource groupsSource,
        ClientConfig client) {

    public IssuerConfig {
        audiences = List.copyOf(audiences);
        algorithms = List.copyOf(algorithms);
        groupsSource = groupsSource == null ? GroupsSource.TOKEN : groupsSource;
    }

    /** An issuer with no browser sign-in client. */
    public IssuerConfig(String id, String issuer, List<String> audiences, String jwksUri, String groupsClaim,
            String emailClaim, List<String> algorithms, Duration clockSkew, Duration maxTokenLifetime,
            Duration jwksRefreshInterval, Duration jwksMinRefetch, GroupsSource groupsSource) {
        this(id, issuer, audiences, jwksUri, groupsClaim, emailClaim, algorithms, clockSkew, maxTokenLifetime,
                jwksRefreshInterval, jwksMinRefetch, groupsSource, null);
    }

    /** An issuer whose groups come from its tokens alone. */
    public IssuerConfig(String id, String issuer, List<String> audiences, String jwksUri, String groupsClaim,
            String emailClaim, List<String> algorithms, Duration clockSkew, Duration maxTokenLifetime,
            Duration jwksRefreshInterval, Duration jwksMinRefetch) {
        this(id, issuer, audiences, jwksUri, groupsClaim, emailClaim, algorithms, clockSkew, maxTokenLifetime,
                jwksRefreshInterval, jwksMinRefetch, GroupsSource.TOKEN);
    }

    /**
     * {@code groups_source}: where a caller's groups come from. {@code token}: the groups claim
     * (the default). {@code okta_api}: the org's Users API ({@code okta.org_url}), so a user in more
     * than 100 groups is complete. {@code both}: the union of the two.
     */
    public enum GroupsSource {
        TOKEN, OKTA_API, BOTH;

        /** The config word: {@code token}, {@code okta_api}, {@code both}. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
