package dev.portcullis.demo;

import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Builds claims shaped like an Okta custom authorization server's access token: {@code ver},
 * {@code jti}, {@code iss}, {@code aud}, {@code iat}, {@code exp}, {@code cid}, {@code uid},
 * {@code sub}, {@code scp}, {@code auth_time}, {@code groups}, {@code email}.
 */
final class TokenMinter {
    private final String issuer;
    private final Duration lifetime;

    TokenMinter(String issuer, Duration lifetime) {
        this.issuer = Objects.requireNonNull(issuer, "issuer");
        this.lifetime = Objects.requireNonNull(lifetime, "lifetime");
        if (lifetime.toSeconds() < 1) {
            throw new IllegalArgumentException("token lifetime must be at least one second: " + lifetime);
        }
    }

    Duration lifetime() {
        return lifetime;
    }

    /** A user token for the demo client, with groups and e-mail. */
    JWTClaimsSet.Builder forUser(DemoUser user, List<String> scopes) {
        return forUser(user, scopes, DevIssuer.CLIENT_ID);
    }

    /** A user token issued to the client {@code cid}, with groups and e-mail. */
    JWTClaimsSet.Builder forUser(DemoUser user, List<String> scopes, String cid) {
        Instant now = now();
        return base(now)
                .claim("cid", cid)
                .claim("uid", user.uid())
                .subject(user.subject())
                .claim("scp", List.copyOf(scopes))
                .claim("auth_time", Date.from(now))
                .claim("groups", user.groups())
                .claim("email", user.email());
    }

    /** A service token: {@code sub} and {@code cid} are the client id; no {@code uid}, no groups. */
    JWTClaimsSet.Builder forClient(DemoClient client, List<String> scopes) {
        return base(now())
                .claim("cid", client.clientId())
                .subject(client.clientId())
                .claim("scp", List.copyOf(scopes));
    }

    /**
     * An OIDC ID token for {@code user}, for the client {@code clientId} ({@code aud}), with the
     * sign-in's {@code nonce} (none on a refresh), {@code auth_time} and Okta's profile claims.
     */
    JWTClaimsSet.Builder idToken(DemoUser user, String clientId, String nonce) {
        Instant now = now();
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder()
                .claim("ver", 1)
                .jwtID(UUID.randomUUID().toString())
                .issuer(issuer)
                .audience(clientId)
                .subject(user.subject())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .claim("auth_time", Date.from(now))
                .claim("amr", List.of("pwd"))
                .claim("name", user.login())
                .claim("preferred_username", user.email())
                .claim("email", user.email());
        return nonce == null ? b : b.claim("nonce", nonce);
    }

    /**
     * Applies overrides: a null value removes the claim; an {@link Instant} becomes a date claim
     * (epoch seconds); anything else is set as given.
     */
    static JWTClaimsSet.Builder override(JWTClaimsSet.Builder builder, Map<String, ?> claims) {
        claims.forEach((name, value) -> builder.claim(name, value instanceof Instant i ? Date.from(i) : value));
        return builder;
    }

    private JWTClaimsSet.Builder base(Instant now) {
        return new JWTClaimsSet.Builder()
                .claim("ver", 1)
                .jwtID(UUID.randomUUID().toString())
                .issuer(issuer)
                .audience(DevIssuer.AUDIENCE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(lifetime)));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }
}
