package dev.portcullis.authn;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.AuthResult.Authenticated;
import dev.portcullis.authn.AuthResult.Refused;
import dev.portcullis.authn.IssuerKeysTest.FakeFetcher;
import dev.portcullis.authn.IssuerKeysTest.ManualScheduler;
import dev.portcullis.authn.IssuerKeysTest.MutableClock;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.IssuerConfig;
import dev.portcullis.vocab.Identity;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The verified-token cache seen through the authenticator: hits, expiry, key removal, issuer limits. */
class TokenCacheTest {
    private static final String ISS = "https://dev-123456.okta.com/oauth2/default";
    private static final String AUD = "api://default";
    private static final URI JWKS = URI.create(ISS + "/v1/keys");
    private static RSAKey k1;
    private static RSAKey k2;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T12:00:00Z"));
    private final FakeFetcher fetcher = new FakeFetcher();
    private ManualScheduler scheduler;
    private IssuerKeys keys;

    @BeforeAll
    static void generateKeys() throws JOSEException {
        k1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        k2 = new RSAKeyGenerator(2048).keyID("k2").generate();
    }

    @BeforeEach
    void start() {
        scheduler = new ManualScheduler();
        fetcher.serve(k1);
        keys = new IssuerKeys("okta", ISS, JWKS, Duration.ofHours(1), Duration.ofSeconds(10), fetcher, scheduler,
                clock, IssuerKeys.Listener.NONE);
        keys.start();
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private Authenticator authenticator(long cacheSize) {
        IssuerConfig config = new IssuerConfig("okta", ISS, List.of(AUD), JWKS.toString(), "groups", "email",
                List.of("RS256"), Duration.ofSeconds(5), null, Duration.ofHours(1), Duration.ofSeconds(10));
        return new Authenticator(List.of(config), Map.of("okta", keys), clock, cacheSize, Set.of());
    }

    private String token(RSAKey key, long lifetimeSeconds) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISS).audience(AUD).subject("alice")
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(lifetimeSeconds)))
                .claim("groups", List.of("orders-readers")).claim("department", "sales").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    @Test
    void aRepeatedTokenIsServedFromTheCache() {
        Authenticator auth = authenticator(100);
        String t = token(k1, 300);
        AuthResult first = auth.authenticate(t, null, true);
        assertThat(first).isInstanceOf(Authenticated.class);
        // A cache hit hands back the very result stored; a fresh verification builds a new one.
        assertThat(auth.authenticate(t, null, true)).isSameAs(first);
        assertThat(auth.authenticate(token(k1, 300), null, true)).isNotSameAs(first);
    }

    @Test
    void withoutACacheEveryRequestIsVerified() {
        Authenticator auth = authenticator(0);
        String t = token(k1, 300);
        assertThat(auth.authenticate(t, null, true)).isNotSameAs(auth.authenticate(t, null, true));
    }

    @Test
    void anEntryDiesWithItsToken() {
        Authenticator auth = authenticator(100);
        String t = token(k1, 60);
        AuthResult first = auth.authenticate(t, null, true);
        assertThat(first).isInstanceOf(Authenticated.class);
        assertThat(auth.authenticate(t, null, true)).isSameAs(first);
        clock.advance(Duration.ofSeconds(61));
        // Past exp (even within the clock skew) the cache no longer vouches: the token is re-checked.
        AuthResult later = auth.authenticate(t, null, true);
        assertThat(later).isInstanceOf(Authenticated.class).isNotSameAs(first);
        clock.advance(Duration.ofSeconds(10));
        assertThat(((Refused) auth.authenticate(t, null, true)).reason()).isEqualTo(Reason.TOKEN_EXPIRED);
    }

    @Test
    void anEntryIsDroppedWhenItsKeyLeavesTheKeySet() {
        Authenticator auth = authenticator(100);
        String t = token(k1, 300);
        assertThat(auth.authenticate(t, null, true)).isInstanceOf(Authenticated.class);
        fetcher.serve(k2);
        scheduler.runNext(); // the scheduled refresh now publishes only k2
        assertThat(keys.find("k1")).isNull();
        assertThat(((Refused) auth.authenticate(t, null, false)).reason()).isEqualTo(Reason.KEY_UNKNOWN);
    }

    @Test
    void aHitStillHonoursTheRoutesIssuers() {
        Authenticator auth = authenticator(100);
        String t = token(k1, 300);
        assertThat(auth.authenticate(t, null, true)).isInstanceOf(Authenticated.class);
        assertThat(((Refused) auth.authenticate(t, Set.of("another"), true)).reason())
                .isEqualTo(Reason.ISSUER_NOT_ACCEPTED);
    }

    @Test
    void identitiesKeepOnlyTheClaimsRulesAskAbout() {
        IssuerConfig config = new IssuerConfig("okta", ISS, List.of(AUD), JWKS.toString(), "groups", "email",
                List.of("RS256"), Duration.ofSeconds(5), null, Duration.ofHours(1), Duration.ofSeconds(10));
        Authenticator auth = new Authenticator(List.of(config), Map.of("okta", keys), clock, 100,
                Set.of("department"));
        Authenticated a = (Authenticated) auth.authenticate(token(k1, 300), null, true);
        assertThat(a.identity().claims()).containsOnlyKeys("department");
        assertThat(a.identity().groups()).containsExactly("orders-readers");
    }

    @Test
    void theKeyIsADigestNotTheToken() {
        String t = token(k1, 300);
        assertThat(TokenCache.hash(t)).isEqualTo(TokenCache.hash(new String(t)));
        assertThat(TokenCache.hash(t)).isNotEqualTo(TokenCache.hash(t + "x"));
        assertThat(TokenCache.hash(t).toString()).doesNotContain(t.substring(0, 20));
    }
    /** A hit is found by the per-thread probe (no key made), which equals exactly the kept key of the same token. */
    @Test
    void aProbeFindsTheEntryOfItsTokenOnly() {
        String t = token(k1, 300);
        TokenCache.TokenHash kept = TokenCache.hash(t);
        assertThat(TokenCache.probe(new String(t))).isEqualTo(kept).hasSameHashCodeAs(kept);
        assertThat(kept).isEqualTo(TokenCache.probe(t));
        assertThat(TokenCache.probe(t + "x")).isNotEqualTo(kept);
        TokenCache cache = new TokenCache(10, 1 << 20);
        Identity id = new Identity("okta", "alice", Set.of("g"), Set.of(), null, null, null, 0, Map.of());
        TokenCache.Entry e = new TokenCache.Entry(new Authenticated(id), keys, keys.find("k1"), "k1",
                clock.millis() + 60_000);
        cache.put(kept, e);
        assertThat(cache.get(TokenCache.probe(t), clock.millis())).isSameAs(e);
        assertThat(cache.get(TokenCache.probe(t + "x"), clock.millis())).isNull();
    }
}
