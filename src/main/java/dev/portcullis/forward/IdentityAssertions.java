package dev.portcullis.forward;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.vocab.Identity;
import dev.portcullis.config.IdentityAssertionConfig;
import io.netty.util.AsciiString;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;

/**
 * Mints the signed identity assertion for an allowed request: {@code iss} (Portcullis),
 * {@code aud} (the route id), {@code sub}, {@code groups}, {@code scp}, {@code email}, the caller's
 * token {@code jti}, {@code iat}, and an {@code exp} that is the earlier of now + lifetime and the
 * caller token's own expiry. Assertions are cached by everything they say (route and caller) until
 * shortly before they expire, so a busy caller costs one signature per lifetime, not one per request.
 * An assertion is kept as ASCII bytes, which the request encoder copies in bulk (a {@code String}
 * would be encoded again, character by character, on every request).
 */
public final class IdentityAssertions {
    private final IdentityAssertionConfig config;
    private final AssertionKeys keys;
    private final Clock clock;
    private final Cache<Key, Minted> cache;
    /** The routes whose upstreams get an assertion; null for every route. */
    private final java.util.Set<String> routes;

    /**
     * Everything an assertion says about the caller, always: a {@code jti} names a token only as
     * far as its issuer keeps it unique, and two tokens with the same {@code jti}, {@code sub} and
     * {@code exp} but other groups must never share an assertion. Groups and scopes compare as sets
     * (they are the token's, in its order) and hash once per identity (see {@code NameSet}).
     */
    private record Key(String route, String issuer, String subject, String tokenId, long expiresAt,
            java.util.Set<String> groups, java.util.Set<String> scopes, String email) {
    }

    private record Minted(AsciiString jwt, long expMillis, String kid) {
    }

    public IdentityAssertions(IdentityAssertionConfig config, AssertionKeys keys, Clock clock) {
        this.config = config;
        this.keys = keys;
        this.clock = clock;
        this.routes = config.routes() == null ? null : java.util.Set.copyOf(config.routes());
        this.cache = Caffeine.newBuilder().maximumSize(config.cacheSize()).executor(Runnable::run)
                // Leave a quarter of the lifetime as margin for the service's clock.
                .expireAfter(Expiry.<Key, Minted>writing((k, m) ->
                        Duration.ofMillis(Math.max(0, (m.expMillis() - clock.millis()) * 3 / 4))))
                .build();
    }

    public String header() {
        return config.header();
    }

    /**
     * The assertion for this caller on this route (a compact JWS: ASCII), or null for a route that
     * {@code identity_assertion.routes} leaves out: nothing is signed for it.
     */
    public AsciiString assertionFor(String routeId, Identity who) {
        if (routes != null && !routes.contains(routeId)) {
            return null;
        }
        Key k = new Key(routeId, who.issuerId(), who.subject(), who.tokenId(), who.expiresAt(), who.groups(),
                who.scopes(), who.email());
        Minted m = cache.getIfPresent(k);
        String kid = keys.current().key().getKeyID();
        if (m == null || !m.kid().equals(kid)) {
            m = mint(routeId, who);
            cache.put(k, m);
        }
        return m.jwt();
    }

    private Minted mint(String routeId, Identity who) {
        long now = clock.millis();
        long exp = Math.min(now + config.lifetime().toMillis(), who.expiresAt() * 1000);
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(config.issuer())
                .audience(routeId)
                .subject(who.subject())
                .issueTime(new Date(now / 1000 * 1000))
                .expirationTime(new Date(exp))
                .claim("groups", new ArrayList<>(who.groups()))
                .claim("idp", who.issuerId());
        if (!who.scopes().isEmpty()) {
            claims.claim("scp", new ArrayList<>(who.scopes()));
        }
        if (who.email() != null) {
            claims.claim("email", who.email());
        }
        if (who.tokenId() != null) {
            claims.jwtID(who.tokenId());
        }
        AssertionKeys.Current signing = keys.current();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(signing.algorithm()).keyID(signing.key().getKeyID())
                .type(JOSEObjectType.JWT).build(), claims.build());
        try {
            jwt.sign(signing.signer());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an identity assertion", e);
        }
        return new Minted(new AsciiString(jwt.serialize()), exp, signing.key().getKeyID());
    }
}
