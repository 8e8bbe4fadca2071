package dev.portcullis.config;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;

/**
 * An Ed25519 key of {@code identity_assertion.key_files} (PKCS#8, RFC 8410) as a JDK key pair: the
 * 32-byte seed is read by Bouncy Castle's ASN.1 parser, the public key derived from it by Bouncy
 * Castle's Ed25519, and both handed to the JDK's {@code Ed25519} key factory, so the signer and the
 * JWKS see plain JDK keys whatever the file's optional fields.
 */
final class Ed25519KeyFile {
    private static final ASN1ObjectIdentifier ED25519 = new ASN1ObjectIdentifier("1.3.101.112"); // RFC 8410
    private Ed25519KeyFile() {
    }

    static KeyPair pair(byte[] der, String file) throws AssertionKeyFile.Invalid {
        try {
            byte[] seed = ASN1OctetString.getInstance(PrivateKeyInfo.getInstance(der).parsePrivateKey()).getOctets();
            if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
                throw new AssertionKeyFile.Invalid("'" + file + "' holds an Ed25519 private key of " + seed.length
                        + " bytes, not 32");
            }
            byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
            byte[] spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(ED25519), pub)
                    .getEncoded();
            KeyFactory jdk = KeyFactory.getInstance("Ed25519");
            PublicKey publicKey = jdk.generatePublic(new X509EncodedKeySpec(spki));
            PrivateKey privateKey = jdk.generatePrivate(new PKCS8EncodedKeySpec(der));
            return new KeyPair(publicKey, privateKey);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            throw new AssertionKeyFile.Invalid("'" + file + "' is not a usable Ed25519 private key: " + e.getMessage());
        }
    }
}
