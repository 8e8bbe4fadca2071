package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.config.AssertionAlgorithm;
import dev.portcullis.config.AssertionKeyFile;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * EdDSA (Ed25519) assertion keys, signed by each provider the proxy may use (AWS-LC through ACCP,
 * Bouncy Castle): the JWKS publishes an OKP key (crv Ed25519, alg EdDSA, no private part) under its
 * RFC 7638 thumbprint, and every signature verifies with Nimbus's own {@link Ed25519Verifier}
 * (Google Tink), an implementation apart from the signer's; a changed payload or another key does
 * not. ES256 signed by ACCP verifies with the JDK's provider as before.
 */
class EdDsaAssertionKeysTest {
    private static final Duration LIFETIME = Duration.ofSeconds(60);

    static Stream<Provider> providers() {
        Stream<Provider> bc = Stream.of(new BouncyCastleProvider());
        return AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError() == null
                ? Stream.concat(Stream.of(AmazonCorrettoCryptoProvider.INSTANCE), bc) : bc;
    }

    private static SignedJWT sign(AssertionKeys.Current c, String subject) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(c.algorithm()).keyID(c.key().getKeyID()).build(),
                new JWTClaimsSet.Builder().subject(subject).build());
        jwt.sign(c.signer());
        return SignedJWT.parse(jwt.serialize());
    }

    private static OctetKeyPair published(AssertionKeys keys, String kid) throws Exception {
        Map<String, Object> json = JWKSet.parse(keys.jwksJson()).getKeyByKeyId(kid).toJSONObject();
        assertThat(json).containsEntry("kty", "OKP").containsEntry("crv", "Ed25519").containsEntry("alg", "EdDSA")
                .containsEntry("use", "sig").doesNotContainKey("d");
        return OctetKeyPair.parse(json);
    }

    /** RFC 7638 §3.2 for an OKP key (RFC 8037 §2), computed here without Nimbus. */
    private static String thumbprint(OctetKeyPair k) throws Exception {
        String json = "{\"crv\":\"Ed25519\",\"kty\":\"OKP\",\"x\":\"" + k.getX() + "\"}";
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @MethodSource("providers")
    void aGeneratedEd25519KeySignsEdDsaThatTinkVerifiesWithThePublishedKey(Provider provider) throws Exception {
        AssertionKeys keys = new AssertionKeys(Clock.systemUTC(), LIFETIME, AssertionAlgorithm.EDDSA, provider,
                List.of());
        AssertionKeys.Current c = keys.current();
        assertThat(c.algorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        OctetKeyPair pub = published(keys, c.key().getKeyID());
        assertThat(c.key().getKeyID()).isEqualTo(thumbprint(pub));
        Ed25519Verifier verifier = new Ed25519Verifier(pub);
        Set<String> signatures = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            SignedJWT jwt = sign(c, "caller-" + i);
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.EdDSA);
            assertThat(jwt.getSignature().decode()).hasSize(64);
            assertThat(jwt.verify(verifier)).as("signature %d", i).isTrue();
            signatures.add(jwt.getSignature().toString());
        }
        assertThat(signatures).hasSize(50);
        assertThat(sign(c, "same").getSignature()).as("Ed25519 is deterministic")
                .isEqualTo(sign(c, "same").getSignature());
    }

    @ParameterizedTest
    @MethodSource("providers")
    void aChangedPayloadOrAnotherKeyDoesNotVerify(Provider provider) throws Exception {
        AssertionKeys keys = new AssertionKeys(Clock.systemUTC(), LIFETIME, AssertionAlgorithm.EDDSA, provider,
                List.of());
        AssertionKeys.Current c = keys.current();
        String[] parts = sign(c, "alice").serialize().split("\\.");
        SignedJWT swapped = SignedJWT.parse(parts[0] + "." + sign(c, "mallory").serialize().split("\\.")[1] + "."
                + parts[2]);
        assertThat(swapped.verify(new Ed25519Verifier(published(keys, c.key().getKeyID())))).isFalse();

        keys.rotate();
        AssertionKeys.Current next = keys.current();
        assertThat(next.key().getKeyID()).isNotEqualTo(c.key().getKeyID());
        SignedJWT old = sign(c, "alice");
        assertThat(old.verify(new Ed25519Verifier(published(keys, next.key().getKeyID())))).isFalse();
        assertThat(old.verify(new Ed25519Verifier(published(keys, c.key().getKeyID()))))
                .as("the previous key stays published").isTrue();
    }

    @ParameterizedTest
    @MethodSource("providers")
    void anEd25519KeyFileSignsAndIsPublishedUnderItsThumbprint(Provider provider) throws Exception {
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(
                KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        var pair = AssertionKeyFile.parse(pem.getBytes(StandardCharsets.US_ASCII), "ed.pem", AssertionAlgorithm.EDDSA);
        AssertionKeys a = new AssertionKeys(Clock.systemUTC(), LIFETIME, AssertionAlgorithm.EDDSA, provider,
                List.of(pair));
        AssertionKeys b = new AssertionKeys(Clock.systemUTC(), LIFETIME, AssertionAlgorithm.EDDSA, provider,
                List.of(pair));
        assertThat(a.jwksJson()).as("two instances publish the same JWKS").isEqualTo(b.jwksJson());
        OctetKeyPair pub = published(a, a.current().key().getKeyID());
        assertThat(a.current().key().getKeyID()).isEqualTo(thumbprint(pub));
        assertThat(sign(a.current(), "alice").verify(new Ed25519Verifier(pub))).isTrue();
        assertThat(sign(b.current(), "bob").verify(new Ed25519Verifier(pub))).as("b signs with the same key").isTrue();
        assertThatThrownBy(() -> AssertionKeyFile.parse(pem.getBytes(StandardCharsets.US_ASCII), "ed.pem"))
                .hasMessageContaining("is an Ed25519 key; identity assertions are signed ES256");
    }

    @ParameterizedTest
    @MethodSource("providers")
    void es256SignedByTheProviderVerifiesWithTheJdk(Provider provider) throws Exception {
        AssertionKeys keys = new AssertionKeys(Clock.systemUTC(), LIFETIME, AssertionAlgorithm.ES256, provider,
                List.of());
        AssertionKeys.Current c = keys.current();
        ECKey pub = (ECKey) JWKSet.parse(keys.jwksJson()).getKeyByKeyId(c.key().getKeyID());
        assertThat(pub.getCurve()).isEqualTo(Curve.P_256);
        SignedJWT jwt = sign(c, "alice");
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
        assertThat(jwt.verify(new ECDSAVerifier(pub))).isTrue();
    }

    @ParameterizedTest
    @MethodSource("providers")
    void aReloadToTheOtherAlgorithmReKeysAndKeepsThePreviousKeyPublished(Provider provider) throws Exception {
        AssertionKeys keys = new AssertionKeys(Clock.systemUTC(), LIFETIME, AssertionAlgorithm.ES256, provider,
                List.of());
        String es = keys.current().key().getKeyID();
        assertThat(keys.useKeys(AssertionAlgorithm.EDDSA, List.of())).isTrue();
        assertThat(keys.current().algorithm()).isEqualTo(JWSAlgorithm.EdDSA);
        List<String> kinds = JWKSet.parse(keys.jwksJson()).getKeys().stream().map(JWK::getKeyType)
                .map(Object::toString).toList();
        assertThat(kinds).containsExactly("OKP", "EC");
        assertThat(JWKSet.parse(keys.jwksJson()).getKeyByKeyId(es)).isNotNull();
        assertThat(keys.useKeys(AssertionAlgorithm.EDDSA, List.of())).as("the same again changes nothing").isFalse();
    }

    @ParameterizedTest
    @MethodSource("providers")
    void anEd25519SignerSignsNothingButEdDsa(Provider provider) throws Exception {
        AssertionKeys keys = new AssertionKeys(Clock.systemUTC(), LIFETIME, AssertionAlgorithm.EDDSA, provider,
                List.of());
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.ES256), new JWTClaimsSet.Builder().build());
        assertThatThrownBy(() -> jwt.sign(keys.current().signer())).isInstanceOf(JOSEException.class);
    }
}
