package dev.portcullis.forward;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.nimbusds.jose.JOSEException;
import dev.portcullis.vocab.Identity;
import dev.portcullis.config.IdentityAssertionConfig;
import io.netty.util.AsciiString;
import java.time.Clock;
import java.time.Duration;

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

    /** @param refreshAtMillis when the cache lets it go: a quarter of its lifetime before it expires */
    private record Minted(String route, AsciiString jwt, long expMillis, long refreshAtMillis, String kid) {
    }

    public IdentityAssertions(IdentityAssertionConfig config, AssertionKeys keys, Clock clock) {
        this.config = config;
        this.keys = keys;
        this.clock = clock;
        this.routes = config.routes() == null ? null : java.util.Set.copyOf(config.routes());
        this.cache = Caffeine.newBuilder().maximumSize(config.cacheSize()).executor(Runnable::run)
                // Leave a quarter of the lifetime as margin for the service's clock.
                .expireAfter(Expiry.<Key, Minted>writing((k, m) ->
                        Duration.ofMillis(Math.max(0, m.refreshAtMillis() - clock.millis()))))
                .build();
    }

    public String header() {
        return config.header();
    }

    /**
     * The assertion for this caller on this route (a compact JWS: ASCII), or null for a route that
     * {@code identity_assertion.routes} leaves out: nothing is signed for it. The identity keeps the
     * last one it was given ({@link Last}), so a caller's next request on the same route reads it
     * without a cache key; another route, or a stale one, goes through the cache.
     */
    public AsciiString assertionFor(String routeId, Identity who) {
        if (routes != null && !routes.contains(routeId)) {
            return null;
        }
        Last last = config.cacheSize() > 0 ? who.derive(lastOf) : null; // cache_size 0: every request signs
        Minted m = last == null ? null : last.minted;
        String kid = keys.current().key().getKeyID();
        if (m != null && m.route().equals(routeId) && m.kid().equals(kid) && clock.millis() < m.refreshAtMillis()) {
            return m.jwt();
        }
        Key k = new Key(routeId, who.issuerId(), who.subject(), who.tokenId(), who.expiresAt(), who.groups(),
                who.scopes(), who.email());
        m = cache.getIfPresent(k);
        if (m == null || !m.kid().equals(kid)) {
            m = mint(routeId, who);
            cache.put(k, m);
        }
        if (last != null) {
            last.minted = m;
        }
        return m.jwt();
    }

    /**
     * The assertion an identity was last given by this instance: one per identity, so a cached
     * caller holds one assertion more at most (usually the same object the cache holds). It says
     * nothing but what the identity says, on the route it names, so it is reused only for that route.
     */
    private static final class Last {
        volatile Minted minted;
    }

    /**
     * This instance's {@link Last} of an identity: bound to {@code this}, so it is a function of its
     * own, and a reloaded config's instance (another issuer, lifetime…) never reads this one's.
     */
    private final java.util.function.Function<Identity, Last> lastOf = this::newLast;

    private Last newLast(Identity who) {
        return new Last();
    }

    private final AssertionJws jws = new AssertionJws();

    private Minted mint(String routeId, Identity who) {
        long now = clock.millis();
        long exp = Math.min(now + config.lifetime().toMillis(), who.expiresAt() * 1000);
        AssertionKeys.Current signing = keys.current();
        String jwt;
        try {
            jwt = jws.sign(signing, config.issuer(), routeId, who, now / 1000, exp / 1000);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an identity assertion", e);
        }
        return new Minted(routeId, new AsciiString(jwt), exp, now + Math.max(0, exp - now) * 3 / 4,
                signing.key().getKeyID());
    }
}
