package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.config.AssertionKeyFile;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keys from {@code key_files}: the first signs, all are published, under RFC 7638 thumbprints. */
class AssertionKeyFilesTest {
    private static final Duration LIFETIME = Duration.ofSeconds(60);

    private static KeyPair fromFile() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        String pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        return AssertionKeyFile.parse(pem.getBytes(StandardCharsets.US_ASCII), "k.pem");
    }

    /** RFC 7638 §3 for an EC key, computed here without Nimbus: SHA-256 of the canonical members. */
    private static String thumbprint(KeyPair pair) throws Exception {
        ECPublicKey pub = (ECPublicKey) pair.getPublic();
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String json = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + b64.encodeToString(unsigned(pub.getW().getAffineX()))
                + "\",\"y\":\"" + b64.encodeToString(unsigned(pub.getW().getAffineY())) + "\"}";
        return b64.encodeToString(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] unsigned(java.math.BigInteger v) {
        byte[] b = v.toByteArray();
        byte[] out = new byte[32];
        System.arraycopy(b, Math.max(0, b.length - 32), out, Math.max(0, 32 - b.length), Math.min(32, b.length));
        return out;
    }

    private static List<String> published(AssertionKeys keys) throws Exception {
        return JWKSet.parse(keys.jwksJson()).getKeys().stream().map(JWK::getKeyID).toList();
    }

    private static boolean signedAndVerifies(AssertionKeys keys) throws Exception {
        AssertionKeys.Current c = keys.current();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(c.key().getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("s").build());
        jwt.sign(c.signer());
        ECKey pub = (ECKey) JWKSet.parse(keys.jwksJson()).getKeyByKeyId(c.key().getKeyID());
        return pub != null && !pub.isPrivate() && SignedJWT.parse(jwt.serialize()).verify(new ECDSAVerifier(pub));
    }

    @Test
    void theFirstSignsAllArePublishedAndEveryInstanceAgreesOnTheKids() throws Exception {
        KeyPair first = fromFile();
        KeyPair next = fromFile();
        AssertionKeys a = new AssertionKeys(Clock.systemUTC(), LIFETIME, List.of(first, next));
        AssertionKeys b = new AssertionKeys(Clock.systemUTC(), LIFETIME, List.of(first, next));
        assertThat(a.current().key().getKeyID()).isEqualTo(thumbprint(first));
        assertThat(published(a)).containsExactly(thumbprint(first), thumbprint(next));
        assertThat(a.jwksJson()).as("the same document on every instance").isEqualTo(b.jwksJson());
        assertThat(a.jwksJson()).doesNotContain("\"d\"");
        assertThat(signedAndVerifies(a)).isTrue();
    }

    @Test
    void rotateDoesNothingToASharedKey() throws Exception {
        KeyPair first = fromFile();
        AssertionKeys keys = new AssertionKeys(Clock.systemUTC(), LIFETIME, List.of(first));
        keys.rotate();
        assertThat(keys.current().key().getKeyID()).isEqualTo(thumbprint(first));
        assertThat(published(keys)).containsExactly(thumbprint(first));
    }

    @Test
    void swappingTheOrderSignsWithTheNextAndKeepsBothAndTheSameListChangesNothing() throws Exception {
        KeyPair first = fromFile();
        KeyPair next = fromFile();
        AssertionKeys keys = new AssertionKeys(Clock.systemUTC(), LIFETIME, List.of(first, next));
        assertThat(keys.useKeys(List.of(first, next))).isFalse();
        assertThat(keys.useKeys(List.of(next, first))).isTrue();
        assertThat(keys.current().key().getKeyID()).isEqualTo(thumbprint(next));
        assertThat(published(keys)).containsExactly(thumbprint(next), thumbprint(first));
        assertThat(signedAndVerifies(keys)).isTrue();
    }

    @Test
    void aDroppedSigningKeyStaysPublishedForOneLifetimeAndAMinute() throws Exception {
        KeyPair old = fromFile();
        KeyPair fresh = fromFile();
        MutableClock clock = new MutableClock();
        AssertionKeys keys = new AssertionKeys(clock, LIFETIME, List.of(old));
        keys.useKeys(List.of(fresh));
        assertThat(published(keys)).containsExactly(thumbprint(fresh), thumbprint(old));
        clock.now = clock.now.plus(LIFETIME).plusSeconds(61);
        assertThat(published(keys)).containsExactly(thumbprint(fresh));
    }

    @Test
    void anEmptyListGoesBackToAGeneratedKey() throws Exception {
        KeyPair first = fromFile();
        AssertionKeys keys = new AssertionKeys(Clock.systemUTC(), LIFETIME, List.of(first));
        assertThat(keys.useKeys(List.of())).isTrue();
        String generated = keys.current().key().getKeyID();
        assertThat(generated).isNotEqualTo(thumbprint(first));
        keys.rotate();
        assertThat(keys.current().key().getKeyID()).as("generated keys rotate again").isNotEqualTo(generated);
        assertThat(Arrays.asList(published(keys).toArray())).contains(keys.current().key().getKeyID());
    }

    private static final class MutableClock extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
