package dev.portcullis.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.it.Harness;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes to {@code https://} upstreams: the upstream's certificate is verified (chain and host
 * name) before a single byte of the request is sent, a route's {@code upstream_tls} decides whom
 * to trust and which client certificate to present, and connections made under one route's TLS
 * settings are never reused under another's.
 */
class UpstreamTlsIT {
    @TempDir
    static Path dir;

    static TestPki.Issued ca;
    static TlsUpstream good;
    static TlsUpstream wrongName;
    static TlsUpstream mutual;
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        ca = TestPki.ca("Portcullis Upstream CA");
        good = new TlsUpstream(TestPki.server(ca, "orders.internal", List.of("127.0.0.1", "localhost")), null);
        wrongName = new TlsUpstream(TestPki.server(ca, "other.example", List.of("other.example")), null);
        mutual = new TlsUpstream(TestPki.server(ca, "ledger.internal", List.of("127.0.0.1")), ca.cert());
        TestPki.Issued client = TestPki.client(ca, "portcullis-client");
        TestPki.Issued stranger = TestPki.client(TestPki.ca("Some Other CA"), "portcullis-stranger");

        Path caFile = TestPki.writeCert(dir.resolve("ca.pem"), ca.cert());
        Path clientCert = TestPki.writeCert(dir.resolve("client.pem"), client.cert());
        Path clientKey = TestPki.writeKey(dir.resolve("client.key"), client.keys().getPrivate());
        Path strangerCert = TestPki.writeCert(dir.resolve("stranger.pem"), stranger.cert());
        Path strangerKey = TestPki.writeKey(dir.resolve("stranger.key"), stranger.keys().getPrivate());

        h = new Harness().start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: { key_wait_timeout: 2s }
                # the response timer also covers the TLS handshake: a cold one on a loaded machine is slow
                upstream_defaults: { connect_timeout: 1s, response_timeout: 10s }
                issuers:
                  - id: mock
                    issuer: %ISSUER%
                    audiences: [api://portcullis]
                routes:
                  - id: verified
                    match: { path: /verified/** }
                    upstream: %GOOD%
                    upstream_tls: { ca_file: "%CA%" }
                    allow: [ { groups_any: [orders-readers] } ]
                  - id: jvm-trust
                    match: { path: /jvm-trust/** }
                    upstream: %GOOD%
                    public: true
                  - id: wrong-name
                    match: { path: /wrong-name/** }
                    upstream: %WRONG%
                    upstream_tls: { ca_file: "%CA%" }
                    public: true
                  - id: mtls
                    match: { path: /mtls/** }
                    upstream: %MUTUAL%
                    upstream_tls: { ca_file: "%CA%", cert_file: "%CLIENT_CERT%", key_file: "%CLIENT_KEY%" }
                    public: true
                  - id: mtls-anonymous
                    match: { path: /mtls-anonymous/** }
                    upstream: %MUTUAL%
                    upstream_tls: { ca_file: "%CA%" }
                    public: true
                  - id: mtls-stranger
                    match: { path: /mtls-stranger/** }
                    upstream: %MUTUAL%
                    upstream_tls: { ca_file: "%CA%", cert_file: "%STRANGER_CERT%", key_file: "%STRANGER_KEY%" }
                    public: true
                """.replace("%GOOD%", good.url()).replace("%WRONG%", wrongName.url())
                .replace("%MUTUAL%", mutual.url()).replace("%CA%", caFile.toString())
                .replace("%CLIENT_CERT%", clientCert.toString()).replace("%CLIENT_KEY%", clientKey.toString())
                .replace("%STRANGER_CERT%", strangerCert.toString())
                .replace("%STRANGER_KEY%", strangerKey.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        if (h != null) {
            h.close();
        }
        for (TlsUpstream u : new TlsUpstream[] {good, wrongName, mutual}) {
            if (u != null) {
                u.close();
            }
        }
    }

    @BeforeEach
    void forgetEarlierRequests() {
        good.clear();
        wrongName.clear();
        mutual.clear();
    }

    @Test
    void anUpstreamVerifiedWithTheRoutesCaGetsTheRequestAndTheIdentity() throws Exception {
        HttpResponse<String> r = h.get("/verified/orders/7?x=1", h.token("alice", List.of("orders-readers")));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(TlsUpstream.BODY);
        TlsUpstream.Seen seen = good.take();
        assertThat(seen).isNotNull();
        assertThat(seen.method()).isEqualTo("GET");
        assertThat(seen.target()).isEqualTo("/verified/orders/7?x=1");
        assertThat(seen.header("X-Auth-Subject")).isEqualTo("alice");
        assertThat(seen.header("Authorization")).isNull();
    }

    @Test
    void withoutCaFileTheJvmTrustStoreDecidesAndATestCaIsNotInIt() throws Exception {
        HttpResponse<String> r = h.get("/jvm-trust/x", null);

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(good.poll()).as("nothing may be sent to an unverified upstream").isNull();
    }

    @Test
    void aCertificateForAnotherHostNameIsRefusedEvenFromATrustedCa() throws Exception {
        HttpResponse<String> r = h.get("/wrong-name/x", null);

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(wrongName.poll()).isNull();
    }

    @Test
    void aClientCertificateIsPresentedWhenTheRouteHasOne() throws Exception {
        HttpResponse<String> r = h.get("/mtls/entries", null);

        assertThat(r.statusCode()).isEqualTo(200);
        TlsUpstream.Seen seen = mutual.take();
        assertThat(seen).isNotNull();
        assertThat(seen.target()).isEqualTo("/mtls/entries");
        assertThat(seen.clientSubject()).isEqualTo("CN=portcullis-client");
    }

    @Test
    void anUpstreamThatRequiresAClientCertificateRefusesARouteWithout() throws Exception {
        HttpResponse<String> r = h.get("/mtls-anonymous/entries", null);

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(mutual.poll()).isNull();
    }

    @Test
    void aClientCertificateFromACaTheUpstreamDoesNotTrustIsRefused() throws Exception {
        HttpResponse<String> r = h.get("/mtls-stranger/entries", null);

        assertThat(r.statusCode()).isEqualTo(502);
        assertThat(mutual.poll()).isNull();
    }

    @Test
    void pooledConnectionsAreNeverReusedUnderAnotherRoutesTlsSettings() throws Exception {
        // Same address, different trust: a verified connection pooled for one route must not
        // carry a request for a route whose settings would have refused that upstream.
        String token = h.token("alice", List.of("orders-readers"));
        for (int i = 0; i < 3; i++) {
            assertThat(h.get("/verified/" + i, token).statusCode()).isEqualTo(200);
            assertThat(h.get("/jvm-trust/" + i, null).statusCode()).isEqualTo(502);
            assertThat(h.get("/mtls/" + i, null).statusCode()).isEqualTo(200);
            assertThat(h.get("/mtls-anonymous/" + i, null).statusCode()).isEqualTo(502);
        }
        for (int i = 0; i < 3; i++) {
            assertThat(good.take().target()).isEqualTo("/verified/" + i);
            assertThat(mutual.take().target()).isEqualTo("/mtls/" + i);
        }
        assertThat(good.poll()).isNull();
        assertThat(mutual.poll()).isNull();
    }

    /**
     * A client certificate renewed in place (same paths, new bytes, as cert-manager writes it),
     * then a reload: the pooled connection that presented the old certificate is closed at once,
     * and the next request goes on a new connection presenting the new one.
     */
    @Test
    void aReloadThatRenewsTheClientCertificateClosesTheOldConnectionsAndPresentsTheNewOne() throws Exception {
        TestPki.Issued first = TestPki.client(ca, "portcullis-client-1");
        TestPki.Issued renewed = TestPki.client(ca, "portcullis-client-2");
        Path cert = TestPki.writeCert(dir.resolve("renewing.pem"), first.cert());
        Path key = TestPki.writeKey(dir.resolve("renewing.key"), first.keys().getPrivate());
        try (KeepAliveTlsUpstream ledger = new KeepAliveTlsUpstream(
                TestPki.server(ca, "ledger.internal", List.of("127.0.0.1")), ca.cert());
                Harness w = new Harness()) {
            w.startWatching(dir.resolve("renewing.yaml"), """
                    listen: 127.0.0.1:0
                    admin: { listen: 127.0.0.1:0 }
                    upstream_defaults: { connect_timeout: 1s, response_timeout: 10s, idle_timeout: 60s }
                    routes:
                      - id: ledger
                        match: { path: /ledger/** }
                        upstream: %LEDGER%
                        upstream_tls: { ca_file: "%CA%", cert_file: "%CERT%", key_file: "%KEY%" }
                        public: true
                    """.replace("%LEDGER%", ledger.url()).replace("%CA%", dir.resolve("ca.pem").toString())
                    .replace("%CERT%", cert.toString()).replace("%KEY%", key.toString()));
            for (int i = 0; i < 3; i++) {
                assertThat(w.get("/ledger/" + i, null).statusCode()).isEqualTo(200);
                assertThat(ledger.take()).isEqualTo(new KeepAliveTlsUpstream.Seen("/ledger/" + i, 1,
                        "CN=portcullis-client-1"));
            }
            assertThat(ledger.openConnections()).as("one pooled connection").isEqualTo(1);

            TestPki.writeCert(cert, renewed.cert());
            TestPki.writeKey(key, renewed.keys().getPrivate());
            assertThat(w.proxy().reload().get(15, TimeUnit.SECONDS)).as("forced reload (SIGHUP)").isTrue();
            long t0 = System.nanoTime();
            while (ledger.openConnections() > 0) {
                assertThat(System.nanoTime() - t0).as("the old identity's idle connection closed after the swap")
                        .isLessThan(TimeUnit.SECONDS.toNanos(5));
                Thread.sleep(20);
            }

            assertThat(w.get("/ledger/after", null).statusCode()).isEqualTo(200);
            assertThat(ledger.take()).isEqualTo(new KeepAliveTlsUpstream.Seen("/ledger/after", 2,
                    "CN=portcullis-client-2"));
        }
    }

    @Test
    void aClientCertificateWhoseKeyDoesNotMatchIsRefusedAtLoad() throws Exception {
        TestPki.Issued client = TestPki.client(ca, "portcullis-client");
        Path cert = TestPki.writeCert(dir.resolve("mismatch.pem"), client.cert());
        Path key = TestPki.writeKey(dir.resolve("mismatch.key"), TestPki.newKeys().getPrivate());
        try (Harness other = new Harness()) {
            assertThatThrownBy(() -> other.startWithoutWaiting("""
                    listen: 127.0.0.1:0
                    admin: { listen: 127.0.0.1:0 }
                    routes:
                      - id: mismatched
                        match: { path: /** }
                        upstream: %MUTUAL%
                        upstream_tls: { cert_file: "%CERT%", key_file: "%KEY%" }
                        public: true
                    """.replace("%MUTUAL%", mutual.url()).replace("%CERT%", cert.toString())
                    .replace("%KEY%", key.toString())))
                    .hasMessageContaining("mismatched");
        }
    }
}
