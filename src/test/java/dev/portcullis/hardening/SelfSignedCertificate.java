package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

/**
 * An attacker's self-signed RSA certificate and its key, made by the JDK's own {@code keytool}:
 * no extra library and no hand-written DER.
 */
record SelfSignedCertificate(X509Certificate certificate, PrivateKey privateKey) {

    static SelfSignedCertificate generate(String commonName) throws Exception {
        Path dir = Files.createTempDirectory("self-signed");
        Path store = dir.resolve("cert.p12");
        char[] password = "changeit".toCharArray();
        try {
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "cert", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=" + commonName, "-storetype", "PKCS12", "-keystore", store.toString(),
                    "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
            keytool.getInputStream().transferTo(OutputStream.nullOutputStream());
            assertThat(keytool.waitFor(30, TimeUnit.SECONDS)).as("keytool finished").isTrue();
            assertThat(keytool.exitValue()).as("keytool exit code").isZero();
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                ks.load(in, password);
            }
            return new SelfSignedCertificate((X509Certificate) ks.getCertificate("cert"),
                    (PrivateKey) ks.getKey("cert", password));
        } finally {
            Files.deleteIfExists(store);
            Files.deleteIfExists(dir);
        }
    }

    String pem() throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder().encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
