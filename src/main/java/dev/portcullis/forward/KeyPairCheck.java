package dev.portcullis.forward;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import javax.net.ssl.SSLException;

/**
 * Checks that a PEM private key belongs to a PEM certificate, by signing with one and verifying
 * with the other. Building a TLS context does not check this, and a mismatched pair only fails
 * later, at every handshake: a renewed certificate written before its key must be refused at
 * load, not break every new connection.
 */
final class KeyPairCheck {
    private KeyPairCheck() {
    }

    static void requireMatching(String certFile, String keyFile) throws SSLException {
        byte[] certPem;
        byte[] keyPem;
        try {
            certPem = Files.readAllBytes(Path.of(certFile));
            keyPem = Files.readAllBytes(Path.of(keyFile));
        } catch (IOException e) {
            throw new SSLException("cannot load " + certFile + " / " + keyFile + ": " + e.getMessage(), e);
        }
        requireMatching(certPem, keyPem, certFile, keyFile);
    }

    /** The same check on the files' bytes, already read (named for messages). */
    static void requireMatching(byte[] certPem, byte[] keyPem, String certFile, String keyFile) throws SSLException {
        try {
            X509Certificate cert;
            try (InputStream in = new java.io.ByteArrayInputStream(certPem)) {
                cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
            }
            PrivateKey key = readPkcs8(new String(keyPem, StandardCharsets.US_ASCII), keyFile,
                    cert.getPublicKey().getAlgorithm());
            String alg = cert.getPublicKey().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
            byte[] probe = "portcullis key pair check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(alg);
            signer.initSign(key);
            signer.update(probe);
            byte[] sig = signer.sign();
            Signature verifier = Signature.getInstance(alg);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(sig)) {
                throw new SSLException("the key in " + keyFile + " does not belong to the certificate in " + certFile);
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException | ClassCastException e) {
            if (e instanceof SSLException ssl) {
                throw ssl;
            }
            throw new SSLException("cannot load " + certFile + " / " + keyFile + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPkcs8(String pem, String keyFile, String algorithm) throws GeneralSecurityException {
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < 0) {
            throw new GeneralSecurityException("expected a PKCS#8 PEM key (BEGIN PRIVATE KEY) in " + keyFile);
        }
        String b64 = pem.substring(begin + 27, end).replaceAll("\\s", "");
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64)));
    }
}
