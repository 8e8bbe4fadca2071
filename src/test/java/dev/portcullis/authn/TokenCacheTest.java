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
        return new Authenticator(List.of(issuer()), Map.of("okta", keys), clock, cacheSize, Set.of());
    }

    /** As the proxy makes it by default: {@code token_cache_admission: second_use}. */
    private Authenticator secondUse(long cacheSize) {
        return new Authenticator(List.of(issuer()), Map.of("okta", keys), clock, cacheSize, 48L << 20, Set.of(),
                CacheCounter.NONE, GroupsResolver.TOKEN, true);
    }

    private static IssuerConfig issuer() {
        return new IssuerConfig("okta", ISS, List.of(AUD), JWKS.toString(), "groups", "email",
                List.of("RS256"), Duration.ofSeconds(5), null, Duration.ofHours(1), Duration.ofSeconds(10));
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

    /** Second-use admission: the first two uses are verified (each a new result), the third is the second's. */
    @Test
    void withSecondUseAdmissionATokenIsKeptAtItsSecondVerification() {
        Authenticator auth = secondUse(100);
        String t = token(k1, 300);
        AuthResult first = auth.authenticate(t, null, true);
        assertThat(first).isInstanceOf(Authenticated.class);
        AuthResult second = auth.authenticate(t, null, true);
        assertThat(second).isInstanceOf(Authenticated.class).isNotSameAs(first);
        assertThat(auth.authenticate(t, null, true)).isSameAs(second);
        assertThat(auth.authenticate(t, null, true)).isSameAs(second);
    }

    /** Tokens used once take no entry: a thousand of them leave the cache empty. */
    @Test
    void withSecondUseAdmissionTokensUsedOnceAreNotKept() {
        TokenCache cache = new TokenCache(10_000, 48L << 20, true);
        for (int i = 0; i < 1_000; i++) {
            assertThat(cache.admit(TokenCache.hash(token(k1, 300)))).as("token %d, its first use", i).isFalse();
        }
        TokenCache atOnce = new TokenCache(10_000, 48L << 20);
        assertThat(atOnce.admit(TokenCache.hash(token(k1, 300)))).as("first_use keeps at once").isTrue();
    }

    /**
     * A token's mark is one slot, taken by the next token whose digest falls there: then its next use
     * is a first use again. A mark is cleared once its token is admitted.
     */
    @Test
    void aMarkIsLostToTheNextTokenOfItsSlotAndClearedOnAdmission() {
        TokenCache cache = new TokenCache(100, 1 << 20, true);
        TokenCache.TokenHash a = new TokenCache.TokenHash(7, 1, 2, 3);
        TokenCache.TokenHash sameSlot = new TokenCache.TokenHash(7 + TokenCache.seenSlots(100), 9, 2, 3);
        TokenCache.TokenHash otherSlot = new TokenCache.TokenHash(8, 5, 2, 3);
        assertThat(cache.admit(a)).isFalse();
        assertThat(cache.admit(otherSlot)).isFalse();
        assertThat(cache.admit(a)).as("its mark is still there").isTrue();
        assertThat(cache.admit(a)).as("cleared on admission: marked anew").isFalse();
        assertThat(cache.admit(sameSlot)).as("takes a's slot").isFalse();
        assertThat(cache.admit(a)).as("a's mark was taken").isFalse();
        assertThat(cache.admit(a)).isTrue();
    }

    @Test
    void admissionSlotsAreAPowerOfTwoBoundedBothWays() {
        assertThat(TokenCache.seenSlots(1)).isEqualTo(1024);
        assertThat(TokenCache.seenSlots(50_000)).isEqualTo(131_072);
        assertThat(TokenCache.seenSlots(65_536)).isEqualTo(131_072);
        assertThat(TokenCache.seenSlots(10_000_000)).isEqualTo(1 << 20);
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

    /**
     * The request path hashes the token where it stands in the {@code Authorization} value: every
     * spelling the parser accepts is hashed to the kept key of the token alone, and a region one
     * character off (shorter, longer, shifted) to another key.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"Bearer %s", "bearer %s", "BEARER   %s", "Bearer %s  ",
            "Bearer  %s "})
    void aTokenIsHashedInPlaceToTheKeyOfTheTokenAlone(String spelling) {
        String t = token(k1, 300);
        String value = spelling.formatted(t);
        assertThat(BearerToken.refusal(List.of(value), 16384)).isNull();
        int start = BearerToken.start(value);
        int end = BearerToken.end(value);
        assertThat(value.substring(start, end)).isEqualTo(t);
        TokenCache.TokenHash kept = TokenCache.hash(t);
        assertThat(TokenCache.probe(value, start, end)).isEqualTo(kept).hasSameHashCodeAs(kept);
        for (int[] off : new int[][] {{0, -1}, {1, 0}, {-1, 0}, {1, 1}, {-1, -1}}) {
            int s = start + off[0];
            int e = Math.min(value.length(), end + off[1]);
            if (s != start || e != end) {
                assertThat(TokenCache.probe(value, s, e)).as("%d..%d", s, e).isNotEqualTo(kept);
            }
        }
    }

    /** A token verified once is a hit from its header region, the same entry; a region that is not exactly it is verified again. */
    @Test
    void aRegionOfTheHeaderHitsTheEntryOfItsToken() {
        Authenticator auth = authenticator(100);
        String t = token(k1, 300);
        AuthResult first = auth.authenticate(t, null, true);
        assertThat(first).isInstanceOf(Authenticated.class);
        String value = "Bearer  " + t + " ";
        assertThat(auth.authenticate(value, 8, 8 + t.length(), null, true)).isSameAs(first);
        assertThat(((Refused) auth.authenticate(value, 8, 7 + t.length(), null, true)).reason())
                .isEqualTo(Reason.SIGNATURE_INVALID);
        // Nimbus trims what it parses: a region with a space is verified again (a key of its own), never a hit.
        assertThat(auth.authenticate(value, 7, 8 + t.length(), null, true)).isNotSameAs(first);
        assertThat(auth.authenticate(value, 8, 9 + t.length(), null, true)).isNotSameAs(first);
        String fresh = token(k1, 300);
        AuthResult byRegion = auth.authenticate("Bearer " + fresh, 7, 7 + fresh.length(), null, true);
        assertThat(byRegion).isInstanceOf(Authenticated.class);
        assertThat(auth.authenticate(fresh, null, true)).isSameAs(byRegion);
    }
}
