package dev.portcullis.forward;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import dev.portcullis.config.AssertionAlgorithm;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;

/**
 * Keys and signers of identity assertions, per algorithm: a key pair becomes a JWK (its
 * {@code kid} the RFC 7638 thumbprint, so every instance names a shared key alike) and a signer
 * computing with the given JCA provider (see {@code server.crypto_provider}).
 */
final class AssertionSigners {
    private AssertionSigners() {
    }

    /** A key as published, with the signer built once for it. */
    record Signing(JWK jwk, JWSSigner signer) {
    }

    static Signing generate(AssertionAlgorithm alg, Provider provider) throws JOSEException {
        if (alg == AssertionAlgorithm.ES256) {
            ECKey key = new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).generate();
            return new Signing(key, ecdsa(key.toECPrivateKey(), provider));
        }
        try {
            return of(alg, KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), provider);
        } catch (GeneralSecurityException e) {
            throw new JOSEException("cannot generate an Ed25519 key", e);
        }
    }

    static Signing of(AssertionAlgorithm alg, KeyPair pair, Provider provider) throws JOSEException {
        if (alg == AssertionAlgorithm.ES256) {
            ECKey key = new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).privateKey(pair.getPrivate())
                    .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).keyIDFromThumbprint().build();
            return new Signing(key, ecdsa((ECPrivateKey) pair.getPrivate(), provider));
        }
        return new Signing(okp(pair), new Ed25519JcaSigner(pair.getPrivate(), provider));
    }

    /**
     * The Ed25519 pair as an OKP JWK (RFC 8037): {@code x} the raw public key, {@code d} the seed,
     * both read from the keys' standard encodings by Bouncy Castle's ASN.1 parser.
     */
    private static OctetKeyPair okp(KeyPair pair) throws JOSEException {
        try {
            byte[] x = SubjectPublicKeyInfo.getInstance(pair.getPublic().getEncoded()).getPublicKeyData().getOctets();
            byte[] d = ASN1OctetString.getInstance(
                    PrivateKeyInfo.getInstance(pair.getPrivate().getEncoded()).parsePrivateKey()).getOctets();
            return new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).d(Base64URL.encode(d))
                    .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.EdDSA).keyIDFromThumbprint().build();
        } catch (IOException | RuntimeException e) {
            throw new JOSEException("not an Ed25519 key pair", e);
        }
    }

    /**
     * An ES256 signer computing with {@code provider}; the key is converted into the provider once,
     * so each signature reuses what the provider precomputes for it (Bouncy Castle's fixed-point
     * comb tables; AWS-LC's own key object).
     */
    static ECDSASigner ecdsa(ECPrivateKey key, Provider provider) throws JOSEException {
        try {
            ECPrivateKey converted = (ECPrivateKey) KeyFactory.getInstance("EC", provider)
                    .generatePrivate(new PKCS8EncodedKeySpec(key.getEncoded()));
            ECDSASigner signer = new ECDSASigner(converted, Curve.P_256);
            signer.getJCAContext().setProvider(provider);
            // One SecureRandom for the signer's nonces, of the same default algorithm: without it
            // Nimbus makes a new one for every signature (7% of an ES256 assertion's CPU on AWS-LC).
            signer.getJCAContext().setSecureRandom(new java.security.SecureRandom());
            return signer;
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new JOSEException("cannot load the assertion key into " + provider.getName(), e);
        }
    }

    /** The JWS algorithm a published key signs with (ES256 when the key does not say). */
    static JWSAlgorithm algorithmOf(JWK key) {
        return key.getAlgorithm() == null ? JWSAlgorithm.ES256 : JWSAlgorithm.parse(key.getAlgorithm().getName());
    }
}
