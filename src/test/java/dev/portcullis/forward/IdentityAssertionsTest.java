package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.vocab.Identity;
import dev.portcullis.config.IdentityAssertionConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Assertions are cached by route and everything they say, and never shared between different callers. */
class IdentityAssertionsTest {
    private final Clock clock = Clock.systemUTC();
    private final IdentityAssertions assertions = new IdentityAssertions(IdentityAssertionConfig.defaults(),
            new AssertionKeys(clock, IdentityAssertionConfig.defaults().lifetime()), clock);
    private final long exp = clock.millis() / 1000 + 300;

    private Identity who(String jti, Set<String> groups, Set<String> scopes) {
        return new Identity("okta", "alice", groups, scopes, "alice@example.com", jti, "cid", exp, Map.of());
    }

    @Test
    void aCallerWithAJtiGetsTheSameAssertionUntilItNearsExpiry() {
        Identity a = who("t-1", Set.of("readers"), Set.of());
        assertThat((CharSequence) assertions.assertionFor("orders", a)).isSameAs(assertions.assertionFor("orders", a));
        assertThat((CharSequence) assertions.assertionFor("orders", a)).isNotEqualTo(assertions.assertionFor("reports", a));
    }

    @Test
    void tokensWithoutAJtiAreCachedByEverythingTheAssertionSays() throws Exception {
        Identity reader = who(null, Set.of("readers"), Set.of("orders.read"));
        Identity admin = who(null, Set.of("readers", "admins"), Set.of("orders.read"));
        Identity scoped = who(null, Set.of("readers"), Set.of("orders.write"));
        String r = assertions.assertionFor("orders", reader).toString();
        assertThat(assertions.assertionFor("orders", reader).toString()).isEqualTo(r);
        assertThat((CharSequence) assertions.assertionFor("orders", reader)).isSameAs(assertions.assertionFor("orders", reader));
        assertThat(SignedJWT.parse(assertions.assertionFor("orders", admin).toString()).getJWTClaimsSet()
                .getStringListClaim("groups")).containsExactlyInAnyOrder("readers", "admins");
        assertThat(SignedJWT.parse(assertions.assertionFor("orders", scoped).toString()).getJWTClaimsSet()
                .getStringListClaim("scp")).isEqualTo(List.of("orders.write"));
        assertThat(SignedJWT.parse(r).getJWTClaimsSet().getStringListClaim("groups")).containsExactly("readers");
    }

    /** A jti names a token only as far as its issuer keeps it unique: the key is still everything. */
    @Test
    void tokensWithTheSameJtiButOtherClaimsGetTheirOwnAssertions() throws Exception {
        Identity reader = who("t-1", Set.of("readers"), Set.of("orders.read"));
        Identity admin = who("t-1", Set.of("readers", "admins"), Set.of("orders.read"));
        Identity scoped = who("t-1", Set.of("readers"), Set.of("orders.write"));
        Identity other = new Identity("okta", "alice", Set.of("readers"), Set.of("orders.read"), "mallory@example.com",
                "t-1", "cid", exp, Map.of());
        assertions.assertionFor("orders", reader);
        assertThat(SignedJWT.parse(assertions.assertionFor("orders", admin).toString()).getJWTClaimsSet()
                .getStringListClaim("groups")).containsExactlyInAnyOrder("readers", "admins");
        assertThat(SignedJWT.parse(assertions.assertionFor("orders", scoped).toString()).getJWTClaimsSet()
                .getStringListClaim("scp")).containsExactly("orders.write");
        assertThat(SignedJWT.parse(assertions.assertionFor("orders", other).toString()).getJWTClaimsSet()
                .getStringClaim("email")).isEqualTo("mallory@example.com");
        assertThat(SignedJWT.parse(assertions.assertionFor("orders", reader).toString()).getJWTClaimsSet()
                .getStringListClaim("groups")).containsExactly("readers");
    }

    @Test
    void theCacheIsBoundedByCacheSizeAndZeroSignsEveryRequest() {
        IdentityAssertionConfig d = IdentityAssertionConfig.defaults();
        IdentityAssertionConfig none = new IdentityAssertionConfig(true, d.header(), d.issuer(), d.lifetime(),
                d.rotateEvery(), 0);
        IdentityAssertions uncached = new IdentityAssertions(none, new AssertionKeys(clock, d.lifetime()), clock);
        Identity a = who("t-1", Set.of("readers"), Set.of());
        assertThat((CharSequence) uncached.assertionFor("orders", a)).isNotEqualTo(uncached.assertionFor("orders", a));
        assertThat(d.cacheSize()).isEqualTo(10_000);
    }
    /**
     * The identity keeps the assertion it was last given: read back for the same route while it is
     * fresh, never for another route, and never read by another instance (a reloaded config's:
     * another issuer).
     */
    @Test
    void theIdentityKeepsItsLastAssertionForItsRouteOnly() throws Exception {
        java.util.concurrent.atomic.AtomicLong now = new java.util.concurrent.atomic.AtomicLong(clock.millis());
        Clock moving = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return java.time.ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public java.time.Instant instant() {
                return java.time.Instant.ofEpochMilli(now.get());
            }
        };
        IdentityAssertionConfig d = IdentityAssertionConfig.defaults();
        AssertionKeys keys = new AssertionKeys(moving, Duration.ofHours(1));
        IdentityAssertions one = new IdentityAssertions(d, keys, moving);
        Identity a = who("t-1", Set.of("readers"), Set.of());
        CharSequence orders = one.assertionFor("orders", a);
        assertThat((Object) one.assertionFor("orders", a)).isSameAs(orders);
        CharSequence reports = one.assertionFor("reports", a);
        assertThat(SignedJWT.parse(reports.toString()).getJWTClaimsSet().getAudience()).containsExactly("reports");
        assertThat(SignedJWT.parse(one.assertionFor("orders", a).toString()).getJWTClaimsSet().getAudience())
                .containsExactly("orders");

        // (Its freshness follows the clock as the cache's expiry does; the cache's own ticker is real
        // time, so a moved test clock cannot show the two apart here.)
        CharSequence later = one.assertionFor("orders", a);
        IdentityAssertions reloaded = new IdentityAssertions(new IdentityAssertionConfig(true, d.header(), "other-gate",
                d.lifetime(), d.rotateEvery(), d.cacheSize()), keys, moving);
        assertThat(SignedJWT.parse(reloaded.assertionFor("orders", a).toString()).getJWTClaimsSet().getIssuer())
                .isEqualTo("other-gate");
        assertThat((Object) one.assertionFor("orders", a)).isSameAs(later);
    }

    /**
     * {@code identity_assertion.routes}: a listed route gets its assertion; one not listed gets none
     * and signs nothing (its signer here would throw if it were asked to sign).
     */
    @Test
    void aRouteNotListedGetsNoAssertionAndCostsNoSignature() throws Exception {
        IdentityAssertionConfig d = IdentityAssertionConfig.defaults();
        IdentityAssertionConfig onlyOrders = new IdentityAssertionConfig(true, d.header(), d.issuer(), d.lifetime(),
                d.rotateEvery(), 0, List.of(), d.algorithm(), List.of("orders"));
        AssertionKeys keys = new AssertionKeys(clock, d.lifetime());
        IdentityAssertions some = new IdentityAssertions(onlyOrders, keys, clock);
        Identity a = who("t-1", Set.of("readers"), Set.of());
        assertThat(SignedJWT.parse(some.assertionFor("orders", a).toString()).getJWTClaimsSet().getAudience())
                .containsExactly("orders");
        assertThat((CharSequence) some.assertionFor("reports", a)).isNull();

        java.lang.reflect.Field current = AssertionKeys.class.getDeclaredField("current");
        current.setAccessible(true);
        com.nimbusds.jose.jwk.ECKey p384 = new com.nimbusds.jose.jwk.gen.ECKeyGenerator(
                com.nimbusds.jose.jwk.Curve.P_384).keyID(keys.current().key().getKeyID()).generate();
        current.set(keys, new AssertionKeys.Current(p384, new com.nimbusds.jose.crypto.ECDSASigner(p384)));
        assertThat((CharSequence) some.assertionFor("reports", a)).as("nothing signed").isNull();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> some.assertionFor("orders", a))
                .as("a listed route does sign").isInstanceOf(IllegalStateException.class);
        assertThat(d.routes()).as("every route by default").isNull();
    }
}
