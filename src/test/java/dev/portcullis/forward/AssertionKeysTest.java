package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Assertions are signed with Bouncy Castle's provider (for speed) and must be plain ES256 that any
 * verifier accepts: here the JDK's own provider, against the key as published in the JWKS.
 */
class AssertionKeysTest {
    private final AssertionKeys keys = new AssertionKeys(Clock.systemUTC(), Duration.ofSeconds(60));

    private static SignedJWT sign(AssertionKeys.Current c, int i) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(c.key().getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("caller-" + i).build());
        jwt.sign(c.signer());
        return SignedJWT.parse(jwt.serialize());
    }

    private ECDSAVerifier publishedVerifier(String kid) throws Exception {
        ECKey published = (ECKey) JWKSet.parse(keys.jwksJson()).getKeyByKeyId(kid);
        assertThat(published).as("key %s in the JWKS", kid).isNotNull();
        assertThat(published.isPrivate()).isFalse();
        return new ECDSAVerifier(published); // the JDK provider: Nimbus's default
    }

    @Test
    void everySignatureVerifiesWithThePublishedKeyAndTheJdkProvider() throws Exception {
        AssertionKeys.Current c = keys.current();
        ECDSAVerifier verifier = publishedVerifier(c.key().getKeyID());
        Set<String> signatures = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            SignedJWT jwt = sign(c, i);
            assertThat(jwt.getSignature().decode()).hasSize(64); // JOSE's R||S form, not DER
            assertThat(jwt.verify(verifier)).as("signature %d", i).isTrue();
            signatures.add(jwt.getSignature().toString());
        }
        assertThat(signatures).as("ECDSA signatures use a fresh nonce each time").hasSize(200);
    }

    @Test
    void aSignatureDoesNotVerifyForOtherClaimsOrAnotherKey() throws Exception {
        AssertionKeys.Current c = keys.current();
        SignedJWT jwt = sign(c, 1);
        String[] parts = jwt.serialize().split("\\.");
        String otherPayload = sign(c, 2).serialize().split("\\.")[1];
        SignedJWT swapped = SignedJWT.parse(parts[0] + "." + otherPayload + "." + parts[2]);
        assertThat(swapped.verify(publishedVerifier(c.key().getKeyID()))).isFalse();

        keys.rotate();
        AssertionKeys.Current next = keys.current();
        assertThat(next.key().getKeyID()).isNotEqualTo(c.key().getKeyID());
        assertThat(jwt.verify(new ECDSAVerifier(next.key().toPublicJWK().toECKey()))).isFalse();
        assertThat(sign(next, 3).verify(publishedVerifier(next.key().getKeyID()))).isTrue();
        assertThat(jwt.verify(publishedVerifier(c.key().getKeyID()))).as("the previous key stays published").isTrue();
    }
}
