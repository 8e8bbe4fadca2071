package dev.portcullis.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.it.Harness;
import dev.portcullis.it.RecordingUpstream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client listener with {@code tls:}: the same answers as on plain HTTP, {@code https} in
 * {@code X-Forwarded-Proto}, old protocol versions and non-AEAD suites refused, and a renewed
 * certificate picked up from disk without a restart — while a broken file on disk never takes
 * the working certificate away.
 */
class TlsListenerIT {
    private static final List<String> NAMES = List.of("127.0.0.1", "localhost");
    /** Twice the configured reload interval, plus slack: long enough for the reloader to have looked. */
    private static final long TWO_RELOAD_TICKS_MILLIS = 2_500;

    @TempDir
    Path dir;

    private TestPki.Issued ca;
    private TestPki.Issued first;
    private Path certFile;
    private Path keyFile;
    private Harness h;
    private HttpClient https;

    @BeforeEach
    void start() throws Exception {
        ca = TestPki.ca("Portcullis Test CA");
        first = TestPki.server(ca, "portcullis-first", NAMES);
        certFile = TestPki.writeCert(dir.resolve("server.pem"), first.cert());
        keyFile = TestPki.writeKey(dir.resolve("server.key"), first.keys().getPrivate());
        h = new Harness().start("tls: { cert_file: \"" + certFile + "\", key_file: \"" + keyFile
                + "\", reload_interval: 1s }\n" + Harness.defaultConfig());
        https = HttpClient.newBuilder().sslContext(TestPki.trusting(ca.cert())).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() throws IOException {
        if (h != null) {
            h.close();
        }
    }

    @Test
    void answersOverTlsAsOverPlainHttpAndTellsTheUpstreamItWasHttps() throws Exception {
        HttpResponse<String> ok = get("/orders/42", h.token("alice", List.of("orders-readers")));

        assertThat(ok.statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r).isNotNull();
        assertThat(r.target()).isEqualTo("/orders/42");
        assertThat(r.all("X-Forwarded-Proto")).containsExactly("https");
        assertThat(r.header("X-Auth-Subject")).isEqualTo("alice");
    }

    @Test
    void refusesOverTlsAsOverPlainHttp() throws Exception {
        HttpResponse<String> missing = get("/orders/42", null);
        HttpResponse<String> denied = get("/orders/42", h.token("alice", List.of("marketing")));

        assertThat(missing.statusCode()).isEqualTo(401);
        assertThat(missing.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                v -> assertThat(v).startsWith("Bearer"));
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void aClientOfferingOnlyTls11GetsAProtocolVersionAlert() throws Exception {
        // JDK clients refuse TLS 1.1 themselves (jdk.tls.disabledAlgorithms), which would prove
        // nothing about the server: this hand-made ClientHello reaches it whatever the JVM allows.
        // The server's JVM disables TLS 1.1 by default too, so this pins the outcome rather than
        // isolating Portcullis's protocol list; the CBC case below does isolate its suite list.
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), h.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(RawTls.tls11ClientHello());
            s.getOutputStream().flush();
            byte[] record = RawTls.readRecord(s.getInputStream());

            assertThat(record[0]).as("content type: alert, not a ServerHello").isEqualTo((byte) 0x15);
            assertThat(record[5]).as("alert level: fatal").isEqualTo((byte) 2);
            assertThat(record[6]).as("alert description: protocol_version").isEqualTo((byte) 70);
        }
    }

    @Test
    void tls12And13AreSpokenButOnlyWithAeadSuites() throws Exception {
        try (SSLSocket tls13 = handshake("TLSv1.3", null); SSLSocket tls12 = handshake("TLSv1.2", null)) {
            assertThat(tls13.getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(tls12.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(tls12.getSession().getCipherSuite()).contains("ECDHE", "_GCM_");
        }

        // A CBC (non-AEAD) suite is forward-secret and allowed by the JDK, but not by Portcullis.
        assertThatThrownBy(() -> handshake("TLSv1.2", "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256"))
                .isInstanceOf(SSLException.class);
    }

    @Test
    void plainHttpOnTheTlsPortIsNeverServed() throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), h.port())) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write("GET /public/x HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            String answer = RawTls.readAll(s.getInputStream());

            assertThat(answer).doesNotContain("HTTP/1.1 200");
        }
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void aRenewedCertificateReachesNewConnectionsWhileOpenOnesKeepTheirs() throws Exception {
        assertThat(servedSerial()).isEqualTo(first.serial());
        try (SSLSocket before = handshake("TLSv1.3", null)) {
            TestPki.Issued renewed = TestPki.server(ca, "portcullis-renewed", NAMES);
            TestPki.writeKey(keyFile, renewed.keys().getPrivate());
            TestPki.writeCert(certFile, renewed.cert());

            awaitServedSerial(renewed.serial());
            try (SSLSocket after = handshake("TLSv1.3", null)) {
                assertThat(peer(after).getSubjectX500Principal().getName()).isEqualTo("CN=portcullis-renewed");
            }
            assertThat(get("/public/after", null).statusCode()).isEqualTo(200);
            // The connection opened before the renewal still works, with the certificate it was given.
            assertThat(peer(before).getSerialNumber()).isEqualTo(first.serial());
            assertThat(RawTls.requestOn(before, "/public/before")).startsWith("HTTP/1.1 200");
        }
    }

    @Test
    void aRenewalThatKeepsTheKeyNeedsOnlyTheCertificateFile() throws Exception {
        TestPki.Issued renewed = TestPki.server(ca, "portcullis-same-key", NAMES, first.keys());
        TestPki.writeCert(certFile, renewed.cert());

        awaitServedSerial(renewed.serial());
        assertThat(get("/public/x", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aBrokenCertificateFileKeepsTheWorkingCertificate() throws Exception {
        TestPki.writeText(certFile, "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        Thread.sleep(TWO_RELOAD_TICKS_MILLIS);

        assertThat(servedSerial()).isEqualTo(first.serial());
        assertThat(get("/public/x", null).statusCode()).isEqualTo(200);

        // The reloader has not given up: a good certificate written later is still picked up.
        TestPki.Issued fixed = TestPki.server(ca, "portcullis-fixed", NAMES, first.keys());
        TestPki.writeCert(certFile, fixed.cert());
        awaitServedSerial(fixed.serial());
    }

    @Test
    void anEmptyOrMissingKeyFileKeepsTheWorkingCertificate() throws Exception {
        TestPki.writeText(keyFile, "");
        Thread.sleep(TWO_RELOAD_TICKS_MILLIS);
        assertThat(servedSerial()).isEqualTo(first.serial());

        Files.delete(keyFile);
        Thread.sleep(TWO_RELOAD_TICKS_MILLIS);
        assertThat(servedSerial()).isEqualTo(first.serial());
        assertThat(get("/public/x", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aCertificateThatDoesNotMatchTheKeyKeepsTheWorkingCertificate() throws Exception {
        // A renewal half done (new certificate, old key) or a wrong file copied in: the pair
        // parses, but no handshake can ever complete with it.
        TestPki.Issued otherKey = TestPki.server(ca, "portcullis-other-key", NAMES);
        TestPki.writeCert(certFile, otherKey.cert());
        Thread.sleep(TWO_RELOAD_TICKS_MILLIS);

        assertThatCode(this::servedSerial)
                .as("new handshakes after a certificate that does not match key_file was written")
                .doesNotThrowAnyException();
        assertThat(servedSerial()).isEqualTo(first.serial());
        assertThat(get("/public/x", null).statusCode()).isEqualTo(200);
    }

    @Test
    void aListenerWhoseKeyDoesNotMatchItsCertificateDoesNotStart() throws Exception {
        TestPki.Issued stray = TestPki.server(ca, "portcullis-stray", NAMES);
        Path strayCert = TestPki.writeCert(dir.resolve("stray.pem"), stray.cert());
        try (Harness other = new Harness()) {
            assertThatThrownBy(() -> other.startWithoutWaiting("tls: { cert_file: \"" + strayCert + "\", key_file: \""
                    + keyFile + "\" }\n" + Harness.defaultConfig()))
                    .hasMessageContaining(keyFile.toString());
        }
    }

    private HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + h.port() + path))
                .timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return https.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A new TLS connection to the proxy, handshake done, trusting only the test CA. */
    private SSLSocket handshake(String protocol, String cipherSuite) throws IOException {
        SSLContext ctx = TestPki.trusting(ca.cert());
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), h.port());
        s.setSoTimeout(5_000);
        s.setEnabledProtocols(new String[] {protocol});
        if (cipherSuite != null) {
            s.setEnabledCipherSuites(new String[] {cipherSuite});
        }
        try {
            s.startHandshake();
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    private static X509Certificate peer(SSLSocket s) throws IOException {
        return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }

    private BigInteger servedSerial() throws IOException {
        try (SSLSocket s = handshake("TLSv1.3", null)) {
            return peer(s).getSerialNumber();
        }
    }

    /** Waits until new connections get the certificate with this serial; handshakes may fail meanwhile. */
    private void awaitServedSerial(BigInteger serial) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        BigInteger last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = servedSerial();
                if (last.equals(serial)) {
                    return;
                }
            } catch (SSLException | SocketException e) {
                last = null;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("certificate " + serial + " not served within 10 s; last seen " + last);
    }
}
