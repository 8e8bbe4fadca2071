package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.AlgorithmParameterSpec;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code identity_assertion.key_files}: PEM PKCS#8 EC P-256 loads; everything else is refused with a reason. */
class AssertionKeyFileTest {
    /** Written by {@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256} (public key inside). */
    static final String OPENSSL_KEY = """
            -----BEGIN PRIVATE KEY-----
            MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/xgzZsPUoKVVTBik
            iheZidJqOFwVAJNZqiUzmxyNa6GhRANCAARGckvxiBMksnqPPGGiKJzFlCTlM0WF
            ZiSKT3KCP8G4JRGkhvLFspNzA5KBdh2eJzLHH6c25gT+lipNq9Fzl4Ih
            -----END PRIVATE KEY-----
            """;
    /** {@code openssl pkey -in key.pem -pubout} of the same key. */
    static final String OPENSSL_PUBLIC = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAERnJL8YgTJLJ6jzxhoiicxZQk5TNF"
            + "hWYkik9ygj/BuCURpIbyxbKTcwOSgXYdnicyxx+nNuYE/pYqTavRc5eCIQ==";

    static String pkcs8(KeyPair pair) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                .encodeToString(pair.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    static KeyPair generate(String algorithm, AlgorithmParameterSpec spec) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
        if (spec != null) {
            g.initialize(spec);
        }
        return g.generateKeyPair();
    }

    private static KeyPair parse(String pem) throws AssertionKeyFile.Invalid {
        return AssertionKeyFile.parse(pem.getBytes(StandardCharsets.US_ASCII), "key.pem");
    }

    @Test
    void anOpensslKeyLoadsAndItsPublicKeyIsDerivedExactly() throws Exception {
        KeyPair pair = parse(OPENSSL_KEY);
        assertThat(Base64.getEncoder().encodeToString(pair.getPublic().getEncoded())).isEqualTo(OPENSSL_PUBLIC);
        assertThat(pair.getPrivate().getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void aJdkGeneratedKeyWithoutAPublicPartLoadsAndGivesItsOwnPublicKey() throws Exception {
        KeyPair generated = generate("EC", new ECGenParameterSpec("secp256r1"));
        KeyPair read = parse("comment lines before the key are fine\n" + pkcs8(generated));
        assertThat(read.getPublic().getEncoded()).isEqualTo(generated.getPublic().getEncoded());
        assertThat(read.getPrivate().getEncoded()).isEqualTo(generated.getPrivate().getEncoded());
    }

    static Stream<Arguments> refused() throws Exception {
        return Stream.of(
                Arguments.of("P-384", pkcs8(generate("EC", new ECGenParameterSpec("secp384r1"))), "another curve than P-256"),
                Arguments.of("RSA PKCS#8", pkcs8(generate("RSA", null)), "is an RSA key; identity assertions are signed ES256"),
                Arguments.of("Ed25519", pkcs8(generate("Ed25519", null)), "is an Ed25519 key; identity assertions are signed ES256"),
                Arguments.of("SEC1", "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n", "openssl pkcs8 -topk8"),
                Arguments.of("encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "is encrypted"),
                Arguments.of("RSA PKCS#1", "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n", "is an RSA key"),
                Arguments.of("a certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "is not a PEM PKCS#8 private key"),
                Arguments.of("empty", "", "is not a PEM PKCS#8 private key"),
                Arguments.of("half written", OPENSSL_KEY.substring(0, 80), "is not a PEM PKCS#8 private key"),
                Arguments.of("bad base64", "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n", "is not valid PEM"),
                Arguments.of("not DER", "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "is not a PKCS#8 private key"),
                Arguments.of("two keys", OPENSSL_KEY + OPENSSL_KEY, "more than one key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void everyOtherKeyIsRefusedWithItsReason(String name, String pem, String reason) {
        AssertionKeyFile.Invalid e = catchThrowableOfType(AssertionKeyFile.Invalid.class, () -> parse(pem));
        assertThat(e).as(name).isNotNull();
        assertThat(e.getMessage()).startsWith("'key.pem' ").contains(reason);
    }

    @Test
    void aMissingFileIsRefusedByName() {
        AssertionKeyFile.Invalid e = catchThrowableOfType(AssertionKeyFile.Invalid.class,
                () -> AssertionKeyFile.read("/nonexistent/assertion-key.pem"));
        assertThat(e.getMessage()).startsWith("cannot read '/nonexistent/assertion-key.pem'");
    }
}
