package dev.portcullis.tls;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI for TLS tests: a CA and the server and client certificates it signs, made
 * fresh in each test run with Bouncy Castle (no checked-in keys, nothing that expires on a fixed
 * date). Keys are EC P-256; certificates are written as PEM and keys as unencrypted PKCS#8 PEM,
 * the formats Portcullis reads. Only the JDK's own providers are used, so no global security
 * provider is installed.
 */
final class TestPki {
    private static final AtomicLong SERIALS = new AtomicLong(System.nanoTime() & 0xFFFF_FFFFL);

    /** A certificate and the key pair it certifies. */
    record Issued(X509Certificate cert, KeyPair keys) {
        BigInteger serial() {
            return cert.getSerialNumber();
        }
    }

    private TestPki() {
    }

    static KeyPair newKeys() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A self-signed CA that may sign end-entity certificates only. */
    static Issued ca(String commonName) {
        KeyPair keys = newKeys();
        X500Name name = new X500Name("CN=" + commonName);
        return sign(name, keys, name, keys.getPrivate(), b -> {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        });
    }

    /** A TLS server certificate signed by {@code ca} for the given names (IP literals and DNS names). */
    static Issued server(Issued ca, String commonName, List<String> names) {
        return server(ca, commonName, names, newKeys());
    }

    /** The same, for an existing key pair (a renewal that keeps its key). */
    static Issued server(Issued ca, String commonName, List<String> names, KeyPair keys) {
        GeneralName[] sans = names.stream().map(TestPki::generalName).toArray(GeneralName[]::new);
        return leaf(ca, commonName, keys, KeyPurposeId.id_kp_serverAuth, new GeneralNames(sans));
    }

    /** A TLS client certificate signed by {@code ca}. */
    static Issued client(Issued ca, String commonName) {
        return leaf(ca, commonName, newKeys(), KeyPurposeId.id_kp_clientAuth, null);
    }

    /** Writes the certificate as PEM to {@code file}, replacing it in one step (as cert-manager and certbot do). */
    static Path writeCert(Path file, X509Certificate cert) {
        return writeText(file, pem(cert));
    }

    /** Writes the key as unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}) to {@code file}, in one step. */
    static Path writeKey(Path file, PrivateKey key) {
        try {
            return writeText(file, pem(new JcaPKCS8Generator(key, null)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client context that trusts {@code ca} only. */
    static SSLContext trusting(X509Certificate ca) {
        return context(null, ca);
    }

    /**
     * A context presenting {@code identity}; when {@code trusted} is not null it also verifies
     * peers against it (for a server that wants client certificates).
     */
    static SSLContext context(Issued identity, X509Certificate trusted) {
        try {
            KeyManagerFactory kmf = null;
            if (identity != null) {
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("identity", identity.keys().getPrivate(), new char[0],
                        new X509Certificate[] {identity.cert()});
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, new char[0]);
            }
            TrustManagerFactory tmf = null;
            if (trusted != null) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                ts.setCertificateEntry("ca", trusted);
                tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf == null ? null : tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Issued leaf(Issued ca, String commonName, KeyPair keys, KeyPurposeId purpose, GeneralNames sans) {
        X500Name issuer = X500Name.getInstance(ca.cert().getSubjectX500Principal().getEncoded());
        return sign(new X500Name("CN=" + commonName), keys, issuer, ca.keys().getPrivate(), b -> {
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            b.addExtension(Extension.authorityKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.cert()));
            if (sans != null) {
                b.addExtension(Extension.subjectAlternativeName, false, sans);
            }
        });
    }

    private interface Extensions {
        void add(X509v3CertificateBuilder b) throws IOException, GeneralSecurityException;
    }

    private static Issued sign(X500Name subject, KeyPair keys, X500Name issuer, PrivateKey issuerKey, Extensions ext) {
        try {
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.incrementAndGet()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(Duration.ofDays(1))), subject, keys.getPublic());
            b.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            ext.add(b);
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
            return new Issued(cert, keys);
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static GeneralName generalName(String name) {
        boolean ip = name.chars().allMatch(c -> Character.isDigit(c) || c == '.') || name.contains(":");
        return new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, name);
    }

    private static String pem(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Replaces {@code file} with {@code text} in one step: a reader sees the old or the new content, never half. */
    static Path writeText(Path file, String text) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), ".write-", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.US_ASCII);
            return Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
