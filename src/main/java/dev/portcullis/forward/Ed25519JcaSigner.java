package dev.portcullis.forward;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.impl.EdDSAProvider;
import com.nimbusds.jose.util.Base64URL;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Signature;
import java.util.Objects;

/**
 * An EdDSA (Ed25519, RFC 8037) JWS signer computing with a JCA provider's {@code Ed25519}
 * signature: Nimbus's own {@code Ed25519Signer} needs Google Tink and takes no provider, while the
 * JCA's Ed25519 output is exactly the JWS signature (the 64 bytes R || S of RFC 8032). With AWS-LC
 * (ACCP) it is native; with Bouncy Castle, pure Java. Nimbus's {@code Ed25519Verifier} (Tink)
 * checks these signatures in the tests, an implementation independent of the signer's.
 */
final class Ed25519JcaSigner extends EdDSAProvider implements JWSSigner {
    private final PrivateKey key;
    private final Provider provider;

    Ed25519JcaSigner(PrivateKey key, Provider provider) {
        this.key = Objects.requireNonNull(key, "key");
        this.provider = Objects.requireNonNull(provider, "provider");
    }

    @Override
    public Base64URL sign(JWSHeader header, byte[] signingInput) throws JOSEException {
        if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
            throw new JOSEException("an Ed25519 key signs alg EdDSA only, not " + header.getAlgorithm());
        }
        try {
            Signature s = Signature.getInstance("Ed25519", provider); // not thread-safe: one per signature
            s.initSign(key);
            s.update(signingInput);
            return Base64URL.encode(s.sign());
        } catch (GeneralSecurityException e) {
            throw new JOSEException("Ed25519 signature failed: " + e.getMessage(), e);
        }
    }
}
