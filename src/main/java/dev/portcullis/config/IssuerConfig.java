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
        Duration jwksMinRefetch) {

    public IssuerConfig {
        audiences = List.copyOf(audiences);
        algorithms = List.copyOf(algorithms);
    }
}
