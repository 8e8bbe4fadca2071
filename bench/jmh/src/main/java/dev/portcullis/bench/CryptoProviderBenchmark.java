package dev.portcullis.bench;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.conscrypt.Conscrypt;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The signature operations of a new token, per JCA provider, side by side in one run:
 * <ul>
 *   <li>{@code rs256Verify}: Nimbus {@link RSASSAVerifier} (2048-bit key, as Okta's) with
 *       {@code getJCAContext().setProvider(p)} — the check of every new bearer token;</li>
 *   <li>{@code rs256VerifyProviderKey}: the same, the public key converted into the provider's
 *       own key object once (what the proxy does), so no call converts it again;</li>
 *   <li>{@code es256Sign}: Nimbus {@link ECDSASigner} with the provider (the key converted into
 *       it once, as the proxy does) — the identity assertion today;</li>
 *   <li>{@code ed25519Sign}/{@code ed25519Verify}: JCA {@code Ed25519} signatures by the provider
 *       (Conscrypt 2.5 has none: its rows fail at setup);</li>
 *   <li>{@code ed25519SignTink}/{@code ed25519VerifyTink}: Nimbus's own {@link Ed25519Signer}/
 *       {@link Ed25519Verifier} (Google Tink, pure Java; the provider parameter plays no part).</li>
 * </ul>
 * The payload is a compact JWS signing input of a realistic size (≈900 bytes).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class CryptoProviderBenchmark {
    @Param({"JDK", "ACCP", "Conscrypt", "BC"})
    public String provider;

    private RSASSAVerifier rsVerifier;
    private RSASSAVerifier rsVerifierProviderKey;
    private JWSHeader rsHeader;
    private Base64URL rsSignature;
    private ECDSASigner esSigner;
    private JWSHeader esHeader;
    private PrivateKey edPrivate;
    private PublicKey edPublic;
    private byte[] edSignature;
    private Ed25519Signer tinkSigner;
    private Ed25519Verifier tinkVerifier;
    private JWSHeader edHeader;
    private Base64URL tinkSignature;
    private Provider p;
    private byte[] input;

    static Provider provider(String name) {
        switch (name) {
            case "JDK":
                return null;
            case "ACCP":
                AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy();
                return AmazonCorrettoCryptoProvider.INSTANCE;
            case "Conscrypt":
                if (!Conscrypt.isAvailable()) {
                    throw new IllegalStateException("Conscrypt's native library did not load");
                }
                return Conscrypt.newProvider();
            case "BC":
                return new BouncyCastleProvider();
            default:
                throw new IllegalArgumentException(name);
        }
    }

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        p = provider(provider);
        input = ("eyJraWQiOiJiZW5jaCIsInR5cCI6IkpXVCIsImFsZyI6IlJTMjU2In0." + "x".repeat(850))
                .getBytes(StandardCharsets.US_ASCII);

        RSAKey rsa = Fixtures.rsaKey();
        rsHeader = new JWSHeader(JWSAlgorithm.RS256);
        rsSignature = new RSASSASigner(rsa).sign(rsHeader, input);
        rsVerifier = new RSASSAVerifier(rsa.toRSAPublicKey());
        if (p != null) {
            rsVerifier.getJCAContext().setProvider(p);
        }
        check(rsVerifier.verify(rsHeader, input, rsSignature), "rs256 verify");
        java.security.interfaces.RSAPublicKey providerKey = rsa.toRSAPublicKey();
        if (p != null) {
            providerKey = (java.security.interfaces.RSAPublicKey) KeyFactory.getInstance("RSA", p)
                    .generatePublic(new X509EncodedKeySpec(providerKey.getEncoded()));
        }
        rsVerifierProviderKey = new RSASSAVerifier(providerKey);
        if (p != null) {
            rsVerifierProviderKey.getJCAContext().setProvider(p);
        }
        check(rsVerifierProviderKey.verify(rsHeader, input, rsSignature), "rs256 verify, provider's key");
        byte[] bad = rsSignature.decode();
        bad[7] ^= 1;
        check(!rsVerifier.verify(rsHeader, input, Base64URL.encode(bad)), "rs256 tampered refused");

        ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
        PrivateKey ecPrivate = ec.toECPrivateKey();
        if (p != null) {
            ecPrivate = KeyFactory.getInstance("EC", p).generatePrivate(new PKCS8EncodedKeySpec(ecPrivate.getEncoded()));
        }
        esSigner = new ECDSASigner(ecPrivate, Curve.P_256);
        if (p != null) {
            esSigner.getJCAContext().setProvider(p);
        }
        esHeader = new JWSHeader(JWSAlgorithm.ES256);
        check(new com.nimbusds.jose.crypto.ECDSAVerifier(ec.toPublicJWK())
                .verify(esHeader, input, esSigner.sign(esHeader, input)), "es256 round trip");

        OctetKeyPair okp = new OctetKeyPairGenerator(Curve.Ed25519).generate();
        tinkSigner = new Ed25519Signer(okp);
        tinkVerifier = new Ed25519Verifier(okp.toPublicJWK());
        edHeader = new JWSHeader(JWSAlgorithm.EdDSA);
        tinkSignature = tinkSigner.sign(edHeader, input);
        check(tinkVerifier.verify(edHeader, input, tinkSignature), "tink ed25519 round trip");

        KeyPair edPair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        edPrivate = edPair.getPrivate();
        edPublic = edPair.getPublic();
        if (p != null) {
            try {
                KeyFactory kf = KeyFactory.getInstance("Ed25519", p);
                edPrivate = kf.generatePrivate(new PKCS8EncodedKeySpec(edPrivate.getEncoded()));
                edPublic = kf.generatePublic(new X509EncodedKeySpec(edPublic.getEncoded()));
            } catch (GeneralSecurityException e) {
                // no Ed25519 key factory (ACCP): the provider's signature may take the JDK's keys
            }
        }
        try {
            edSignature = edSign();
            check(edVerify(), "ed25519 round trip");
        } catch (GeneralSecurityException e) {
            edPrivate = null; // this provider does no Ed25519: its ed25519 rows fail
        }
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new IllegalStateException("setup: " + what + " failed");
        }
    }

    private Signature ed() throws GeneralSecurityException {
        if (edPrivate == null) {
            throw new IllegalStateException(provider + " has no Ed25519");
        }
        return p == null ? Signature.getInstance("Ed25519") : Signature.getInstance("Ed25519", p);
    }

    private byte[] edSign() throws GeneralSecurityException {
        Signature s = ed();
        s.initSign(edPrivate);
        s.update(input);
        return s.sign();
    }

    private boolean edVerify() throws GeneralSecurityException {
        Signature s = ed();
        s.initVerify(edPublic);
        s.update(input);
        return s.verify(edSignature);
    }

    @Benchmark
    public boolean rs256Verify() throws JOSEException {
        return rsVerifier.verify(rsHeader, input, rsSignature);
    }

    /** As {@link #rs256Verify}, the public key converted into the provider's own key object once. */
    @Benchmark
    public boolean rs256VerifyProviderKey() throws JOSEException {
        return rsVerifierProviderKey.verify(rsHeader, input, rsSignature);
    }

    @Benchmark
    public Base64URL es256Sign() throws JOSEException {
        return esSigner.sign(esHeader, input);
    }

    @Benchmark
    public byte[] ed25519Sign() throws GeneralSecurityException {
        return edSign();
    }

    @Benchmark
    public boolean ed25519Verify() throws GeneralSecurityException {
        return edVerify();
    }

    @Benchmark
    public Base64URL ed25519SignTink() throws JOSEException {
        return tinkSigner.sign(edHeader, input);
    }

    @Benchmark
    public boolean ed25519VerifyTink() throws JOSEException {
        return tinkVerifier.verify(edHeader, input, tinkSignature);
    }
}
