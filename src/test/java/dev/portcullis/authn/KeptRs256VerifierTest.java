package dev.portcullis.authn;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.Provider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kept-Signature RS256 verifier answers exactly as Nimbus's {@link RSASSAVerifier}: a table of
 * tokens (genuine, tampered, another key's, malformed signatures, other algorithms, a critical
 * header) on the JDK's provider and on AWS-LC, each also checked against Nimbus's own verifier, and
 * a genuine token still verifies after every refusal (the kept Signature is never left half-used).
 */
class KeptRs256VerifierTest {
    private static RSAKey key;
    private static RSAKey other;
    private static ExecutorService pool;

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        other = new RSAKeyGenerator(2048).keyID("k1").generate();
        pool = Executors.newFixedThreadPool(4);
    }

    @AfterAll
    static void stop() {
        pool.shutdownNow();
    }

    private static String sign(RSAKey with, JWSAlgorithm alg, JWSHeader.Builder extra) throws Exception {
        return sign(with, alg, extra, "alice");
    }

    private static String sign(RSAKey with, JWSAlgorithm alg, JWSHeader.Builder extra, String subject)
            throws Exception {
        JWSHeader header = (extra == null ? new JWSHeader.Builder(alg) : extra).keyID("k1").build();
        SignedJWT jwt = new SignedJWT(header, new JWTClaimsSet.Builder().subject(subject).issuer("https://idp").build());
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    private static String withSignature(String token, UnaryOperator<String> change) {
        int dot = token.lastIndexOf('.');
        return token.substring(0, dot + 1) + change.apply(token.substring(dot + 1));
    }

    private static String flipFirst(String s) {
        return (s.charAt(0) == 'A' ? 'B' : 'A') + s.substring(1);
    }

    static Stream<Arguments> cases() throws Exception {
        String good = sign(key, JWSAlgorithm.RS256, null);
        String payloadSwapped = good.split("\\.")[0] + "." + sign(key, JWSAlgorithm.RS256, null, "mallory")
                .split("\\.")[1] + "." + good.split("\\.")[2];
        List<Object[]> table = List.of(
                new Object[] {"genuine RS256", good, true},
                new Object[] {"payload changed", payloadSwapped, false},
                new Object[] {"signature bit changed", withSignature(good, KeptRs256VerifierTest::flipFirst), false},
                new Object[] {"another key's signature", sign(other, JWSAlgorithm.RS256, null), false},
                new Object[] {"signature truncated", withSignature(good, s -> s.substring(0, s.length() - 8)), false},
                new Object[] {"signature doubled", withSignature(good, s -> s + s), false},
                new Object[] {"signature one byte", withSignature(good, s -> "AA"), false},
                new Object[] {"genuine RS384 (Nimbus's path)", sign(key, JWSAlgorithm.RS384, null), true},
                new Object[] {"genuine RS512 (Nimbus's path)", sign(key, JWSAlgorithm.RS512, null), true},
                new Object[] {"genuine PS256 (Nimbus's path)", sign(key, JWSAlgorithm.PS256, null), true},
                new Object[] {"RS256 with a critical header (Nimbus's path)", sign(key, JWSAlgorithm.RS256,
                        new JWSHeader.Builder(JWSAlgorithm.RS256).criticalParams(Set.of("exp")).customParam("exp", 1)),
                        false});
        List<Provider> providers = new ArrayList<>();
        providers.add(null);
        if (AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError() == null) {
            providers.add(AmazonCorrettoCryptoProvider.INSTANCE);
        }
        List<Arguments> out = new ArrayList<>();
        for (Provider p : providers) {
            for (Object[] row : table) {
                out.add(Arguments.of(row[0], p == null ? "JDK" : p.getName(), p, row[1], row[2]));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("cases")
    void answersAsNimbusDoes(String what, String providerName, Provider provider, String token, boolean valid)
            throws Exception {
        RSASSAVerifier nimbus = new RSASSAVerifier(key.toRSAPublicKey());
        KeptRs256Verifier kept = new KeptRs256Verifier(new RSASSAVerifier(key.toRSAPublicKey()));
        if (provider != null) {
            nimbus.getJCAContext().setProvider(provider);
            kept.getJCAContext().setProvider(provider);
        }
        String good = sign(key, JWSAlgorithm.RS256, null);
        assertThat(SignedJWT.parse(good).verify(kept)).as("a genuine token first").isTrue();
        boolean expectedByNimbus;
        try {
            expectedByNimbus = SignedJWT.parse(token).verify(nimbus);
        } catch (IllegalStateException | com.nimbusds.jose.JOSEException | java.text.ParseException e) {
            expectedByNimbus = false;
        }
        assertThat(expectedByNimbus).as("Nimbus's own answer").isEqualTo(valid);
        boolean got;
        try {
            got = SignedJWT.parse(token).verify(kept);
        } catch (IllegalStateException | com.nimbusds.jose.JOSEException | java.text.ParseException e) {
            got = false;
        }
        assertThat(got).as(what).isEqualTo(valid);
        assertThat(SignedJWT.parse(good).verify(kept)).as("a genuine token after it").isTrue();

        // the same verifier from several threads at once, genuine and refused interleaved
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String t = i % 2 == 0 ? good : token;
            results.add(pool.submit(() -> {
                try {
                    return SignedJWT.parse(t).verify(kept);
                } catch (IllegalStateException | com.nimbusds.jose.JOSEException | java.text.ParseException e) {
                    return false;
                }
            }));
        }
        for (int i = 0; i < results.size(); i++) {
            assertThat(results.get(i).get()).isEqualTo(i % 2 == 0 || valid);
        }
    }
}
