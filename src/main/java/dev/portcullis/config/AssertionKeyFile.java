package dev.portcullis.config;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Map;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.jce.spec.ECParameterSpec;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

/**
 * Reads one {@code identity_assertion.key_files} entry: a PEM PKCS#8 private key
 * ({@code -----BEGIN PRIVATE KEY-----}) for the assertion's algorithm: on curve P-256 for ES256
 * (what {@code openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256} writes), Ed25519 for
 * EdDSA ({@code openssl genpkey -algorithm ed25519}). Anything else (another curve, RSA, the other
 * algorithm's key, a SEC1 {@code EC PRIVATE KEY}, an encrypted key, two keys in one file) is refused
 * with a message that says what was found and how to convert it. The public key is derived from the
 * private one by Bouncy Castle's EC or Ed25519 arithmetic, so the file needs nothing else. The same reader serves the config check ({@code validate}, every load and
 * reload) and the running proxy, so what validates is what signs.
 */
public final class AssertionKeyFile {
    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";
    private static final Provider BC = new BouncyCastleProvider();
    private static final ECParameterSpec P256 = ECNamedCurveTable.getParameterSpec("secp256r1");
    private static final Map<String, String> ALGORITHMS = Map.of("1.2.840.113549.1.1.1", "an RSA key",
            "1.3.101.112", "an Ed25519 key", "1.3.101.113", "an Ed448 key", "1.2.840.10040.4.1", "a DSA key");

    /** A key file that cannot be used; the message names the file and what is wrong. */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    private AssertionKeyFile() {
    }

    /** Reads and parses {@code file}, an ES256 key. */
    public static KeyPair read(String file) throws Invalid {
        return read(file, AssertionAlgorithm.ES256);
    }

    /** Reads and parses {@code file}, a key for {@code algorithm}. */
    public static KeyPair read(String file, AssertionAlgorithm algorithm) throws Invalid {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(Path.of(file));
        } catch (IOException | RuntimeException e) {
            throw new Invalid("cannot read '" + file + "': " + e.getMessage());
        }
        return parse(bytes, file, algorithm);
    }

    /** Parses the bytes of an ES256 key file ({@code file} names it in messages). */
    public static KeyPair parse(byte[] bytes, String file) throws Invalid {
        return parse(bytes, file, AssertionAlgorithm.ES256);
    }

    /** Parses the bytes of a key file for {@code alg} ({@code file} names it in messages). */
    public static KeyPair parse(byte[] bytes, String file, AssertionAlgorithm alg) throws Invalid {
        String pem = new String(bytes, StandardCharsets.US_ASCII);
        int begin = pem.indexOf(BEGIN);
        int end = pem.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new Invalid("'" + file + "' " + notPkcs8(pem, alg));
        }
        if (pem.indexOf(BEGIN, begin + BEGIN.length()) >= 0) {
            throw new Invalid("'" + file + "' holds more than one key: one key per file");
        }
        byte[] der;
        try {
            der = Base64.getDecoder().decode(pem.substring(begin + BEGIN.length(), end).replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new Invalid("'" + file + "' is not valid PEM: " + e.getMessage());
        }
        String algorithm;
        try {
            algorithm = PrivateKeyInfo.getInstance(der).getPrivateKeyAlgorithm().getAlgorithm().getId();
        } catch (RuntimeException e) { // Bouncy Castle's ASN.1 messages say little to an operator
            throw new Invalid("'" + file + "' is not a PKCS#8 private key (its PEM body does not decode as one)");
        }
        if (!algorithm.equals(alg.keyOid())) {
            throw new Invalid("'" + file + "' is " + (algorithm.equals(AssertionAlgorithm.ES256.keyOid())
                    ? "an EC key" : ALGORITHMS.getOrDefault(algorithm, "a key of algorithm " + algorithm))
                    + "; identity assertions are signed " + alg.word() + ", which needs " + alg.keyNeeded());
        }
        return alg == AssertionAlgorithm.EDDSA ? Ed25519KeyFile.pair(der, file) : ecP256(der, file);
    }

    private static String notPkcs8(String pem, AssertionAlgorithm alg) {
        if (pem.contains("-----BEGIN EC PRIVATE KEY-----")) {
            return "is a SEC1 'EC PRIVATE KEY'; convert it to PKCS#8 with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in old.pem -out new.pem'";
        }
        if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            return "is encrypted; the key file is the secret (mount it from a Secret), write it unencrypted";
        }
        if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            return "is an RSA key; identity assertions are signed " + alg.word() + ", which needs " + alg.keyNeeded();
        }
        return "is not a PEM PKCS#8 private key ('" + BEGIN + "')";
    }

    private static KeyPair ecP256(byte[] der, String file) throws Invalid {
        try {
            var bcKey = (org.bouncycastle.jce.interfaces.ECPrivateKey) KeyFactory.getInstance("EC", BC)
                    .generatePrivate(new PKCS8EncodedKeySpec(der));
            ECParameterSpec params = bcKey.getParameters();
            if (params == null || !params.getCurve().equals(P256.getCurve()) || !params.getG().equals(P256.getG())) {
                throw new Invalid("'" + file + "' is an EC key on another curve than P-256; identity assertions are"
                        + " signed ES256, which needs P-256 (openssl: -pkeyopt ec_paramgen_curve:P-256)");
            }
            BigInteger d = bcKey.getD();
            if (d.signum() <= 0 || d.compareTo(P256.getN()) >= 0) {
                throw new Invalid("'" + file + "' holds an EC private value outside the curve's range");
            }
            ECPoint q = new FixedPointCombMultiplier().multiply(P256.getG(), d).normalize();
            var bcPublic = KeyFactory.getInstance("EC", BC)
                    .generatePublic(new org.bouncycastle.jce.spec.ECPublicKeySpec(q, P256));
            // Plain JDK keys from here on: what Nimbus and the signer expect.
            KeyFactory jdk = KeyFactory.getInstance("EC");
            ECPublicKey pub = (ECPublicKey) jdk.generatePublic(new X509EncodedKeySpec(bcPublic.getEncoded()));
            ECPrivateKey priv = (ECPrivateKey) jdk.generatePrivate(new PKCS8EncodedKeySpec(der));
            return new KeyPair(pub, priv);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new Invalid("'" + file + "' is not a usable EC private key: " + e.getMessage());
        }
    }
}
