package dev.portcullis.tls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.it.Harness;
import dev.portcullis.it.RecordingUpstream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TLS listener with {@code server.http2}: h2 is offered by ALPN beside http/1.1 when on, and not
 * offered when off. Clients that ask for HTTP/1.1 only keep getting it.
 */
class Http2TlsIT {
    @TempDir
    Path dir;

    private TestPki.Issued ca;
    private Path caFile;
    private Harness h;

    private void start(boolean http2) throws Exception {
        ca = TestPki.ca("Portcullis Test CA");
        TestPki.Issued leaf = TestPki.server(ca, "portcullis", List.of("127.0.0.1", "localhost"));
        caFile = TestPki.writeCert(dir.resolve("ca.pem"), ca.cert());
        Path cert = TestPki.writeCert(dir.resolve("server.pem"), leaf.cert());
        Path key = TestPki.writeKey(dir.resolve("server.key"), leaf.keys().getPrivate());
        String config = Harness.defaultConfig().replace("server: { key_wait_timeout: 2s }",
                "server: { key_wait_timeout: 2s, http2: " + http2 + " }");
        h = new Harness().start("tls: { cert_file: \"" + cert + "\", key_file: \"" + key + "\" }\n" + config);
    }

    @AfterEach
    void stop() throws Exception {
        if (h != null) {
            h.close();
        }
    }

    private HttpResponse<String> get(HttpClient.Version version, String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().sslContext(TestPki.trusting(ca.cert())).version(version)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + h.port() + path))
                .header("Authorization", "Bearer " + h.token("alice", List.of("orders-readers")))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private void assertForwardedOverHttps(String target) throws InterruptedException {
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r).isNotNull();
        assertThat(r.target()).isEqualTo(target);
        assertThat(r.all("X-Forwarded-Proto")).containsExactly("https");
        assertThat(r.header("X-Auth-Subject")).isEqualTo("alice");
        assertThat(r.header("Authorization")).isNull();
        assertThat(r.names()).noneMatch(n -> n.toLowerCase().startsWith("x-http2-"));
    }

    @Test
    void jdkClientNegotiatesH2ByAlpn() throws Exception {
        start(true);
        HttpResponse<String> res = get(HttpClient.Version.HTTP_2, "/orders/alpn");
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertForwardedOverHttps("/orders/alpn");
    }

    @Test
    void clientAskingForHttp11OnlyStillGetsHttp11() throws Exception {
        start(true);
        HttpResponse<String> res = get(HttpClient.Version.HTTP_1_1, "/orders/one");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertForwardedOverHttps("/orders/one");
    }

    @Test
    void curlWithHttp2OverHttpsIsServedOverH2() throws Exception {
        start(true);
        String curl = curl();
        Process p = new ProcessBuilder(curl, "-sS", "--http2", "--cacert", caFile.toString(), "-o", "/dev/null", "-w",
                "%{http_code} %{http_version}", "-H", "Authorization: Bearer " + h.token("alice",
                        List.of("orders-readers")), "https://127.0.0.1:" + h.port() + "/orders/curl").start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(out).isEqualTo("200 2");
        assertForwardedOverHttps("/orders/curl");
    }

    @Test
    void withHttp2OffAlpnDoesNotOfferH2() throws Exception {
        start(false);
        HttpResponse<String> res = get(HttpClient.Version.HTTP_2, "/orders/fallback");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.version()).as("the JDK client fell back to HTTP/1.1").isEqualTo(HttpClient.Version.HTTP_1_1);
        assertForwardedOverHttps("/orders/fallback");
    }

    /** Skips the test without curl on a developer's machine; fails it on CI, where .ci/run installs curl. */
    private static String curl() {
        for (String c : List.of("/usr/bin/curl", "/usr/local/bin/curl", "/bin/curl")) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        String why = "needs curl (Debian's curl, built with nghttp2): apt-get install curl";
        if (System.getenv("CI") != null) {
            Assertions.fail(why);
        }
        Assumptions.abort(why);
        return null;
    }
}
