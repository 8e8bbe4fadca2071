package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.config.AssertionAlgorithm;
import dev.portcullis.vocab.Identity;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The assertion written directly (claims by Jackson, header once per key, Nimbus's signer) is a JWS
 * that Nimbus parses and verifies with the published key, saying exactly the claims the caller has:
 * a table of callers (every optional claim present and absent, names that JSON must escape) by
 * algorithm and provider.
 */
class AssertionJwsTest {
    private static final long NOW = 1_796_000_000L;

    static Stream<Arguments> cases() {
        List<Identity> callers = List.of(
                new Identity("okta", "alice", ordered("b-readers", "a-admins", "c"), ordered("orders.read", "openid"),
                        "alice@example.com", "jti-1", "cid", NOW + 600, Map.of()),
                new Identity("okta", null, ordered(), ordered(), null, null, null, NOW + 600, Map.of()),
                new Identity("entra", "bob \"the\" \\ builder/ü", ordered("grüppe \u2028", "x\ty"), ordered(),
                        "bob@example.com", null, null, NOW + 60, Map.of()));
        List<Arguments> out = new ArrayList<>();
        for (AssertionAlgorithm alg : AssertionAlgorithm.values()) {
            List<Provider> providers = new ArrayList<>(List.of(BouncyCastleProviderSingleton.getInstance()));
            if (AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError() == null) {
                providers.add(AmazonCorrettoCryptoProvider.INSTANCE);
            }
            for (Provider p : providers) {
                for (Identity who : callers) {
                    out.add(Arguments.of(alg, p, who));
                }
            }
        }
        return out.stream();
    }

    private static Set<String> ordered(String... names) {
        return new LinkedHashSet<>(List.of(names));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theJwsVerifiesAndSaysTheCallersClaims(AssertionAlgorithm alg, Provider provider, Identity who)
            throws Exception {
        AssertionKeys keys = new AssertionKeys(Clock.systemUTC(), Duration.ofMinutes(5), alg, provider, List.of());
        AssertionKeys.Current current = keys.current();
        AssertionJws jws = new AssertionJws();
        String compact = jws.sign(current, "portcullis", "orders", who, NOW, NOW + 300);

        SignedJWT parsed = SignedJWT.parse(compact);
        JWSVerifier verifier = current.key() instanceof ECKey ec ? new ECDSAVerifier(ec.toECPublicKey())
                : new Ed25519Verifier(((OctetKeyPair) current.key()).toPublicJWK());
        assertThat(parsed.verify(verifier)).isTrue();
        assertThat(parsed.getHeader().getAlgorithm()).isEqualTo(current.algorithm());
        assertThat(parsed.getHeader().getKeyID()).isEqualTo(current.key().getKeyID());
        assertThat(parsed.getHeader().getType()).isEqualTo(JOSEObjectType.JWT);
        assertThat(parsed.getHeader().getIncludedParams()).containsExactlyInAnyOrder("alg", "kid", "typ");

        JWTClaimsSet c = parsed.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo("portcullis");
        assertThat(c.getAudience()).containsExactly("orders");
        assertThat(c.getSubject()).isEqualTo(who.subject());
        assertThat(c.getIssueTime().getTime()).isEqualTo(NOW * 1000);
        assertThat(c.getExpirationTime().getTime()).isEqualTo((NOW + 300) * 1000);
        assertThat(c.getStringListClaim("groups")).containsExactlyElementsOf(who.groups());
        assertThat(c.getStringClaim("idp")).isEqualTo(who.issuerId());
        assertThat(c.getStringListClaim("scp")).isEqualTo(who.scopes().isEmpty() ? null : List.copyOf(who.scopes()));
        assertThat(c.getStringClaim("email")).isEqualTo(who.email());
        assertThat(c.getJWTID()).isEqualTo(who.tokenId());
        Set<String> expected = new LinkedHashSet<>(List.of("iss", "aud", "iat", "exp", "groups", "idp"));
        if (who.subject() != null) {
            expected.add("sub");
        }
        if (!who.scopes().isEmpty()) {
            expected.add("scp");
        }
        if (who.email() != null) {
            expected.add("email");
        }
        if (who.tokenId() != null) {
            expected.add("jti");
        }
        assertThat(c.getClaims().keySet()).containsExactlyInAnyOrderElementsOf(expected);

        // a second assertion reuses the header and is signed afresh; a changed payload does not verify
        String second = jws.sign(current, "portcullis", "reports", who, NOW, NOW + 300);
        assertThat(second.substring(0, second.indexOf('.'))).isEqualTo(compact.substring(0, compact.indexOf('.')));
        String[] parts = compact.split("\\.");
        String[] other = second.split("\\.");
        assertThat(SignedJWT.parse(parts[0] + "." + other[1] + "." + parts[2]).verify(verifier)).isFalse();
    }
}
