package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Routes with {@code upstream_protocol: h2c}: HTTP/1.1 clients in front, HTTP/2 upstreams behind.
 * Asserts on what the HTTP/2 upstream received (pseudo-headers, headers, body) and on how
 * connections are shared: multiplexing, the upstream's stream limit, GOAWAY and the idle timeout
 * ({@link GrpcUpstreamIT} has trailers, streaming and deadlines). One event loop, so
 * "one connection per upstream per loop" is one connection.
 */
class Http2UpstreamIT {
    static Harness h;
    static H2TestUpstream main;
    static H2TestUpstream mux;
    static H2TestUpstream one;
    static H2TestUpstream away;
    static H2TestUpstream idle;
    static H2TestUpstream tls;
    static H2TestUpstream tlsWithoutAlpn;

    @BeforeAll
    static void start() throws Exception {
        main = new H2TestUpstream(0, null);
        mux = new H2TestUpstream(0, null);
        one = new H2TestUpstream(1, null);
        away = new H2TestUpstream(0, null);
        idle = new H2TestUpstream(0, null);
        LocalhostCertificate cert = LocalhostCertificate.generate();
        tls = new H2TestUpstream(0, SslContextBuilder.forServer(cert.privateKey(), cert.certificate())
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                        ApplicationProtocolNames.HTTP_2)).build());
        tlsWithoutAlpn = new H2TestUpstream(0, SslContextBuilder.forServer(cert.privateKey(), cert.certificate())
                .build());
        h = new Harness();
        h.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: { key_wait_timeout: 2s, io_threads: 1 }
                upstream_defaults: { connect_timeout: 2s, response_timeout: 10s, idle_timeout: 1s }
                issuers:
                  - id: mock
                    issuer: %ISSUER%
                    audiences: [api://portcullis]
                routes:
                  - id: slow
                    match: { path: /slow/** }
                    upstream: %MAIN%
                    upstream_protocol: h2c
                    response_timeout: 20s
                    public: true
                  - id: mux
                    match: { path: /mux/** }
                    upstream: %MUX%
                    upstream_protocol: h2c
                    public: true
                  - id: one
                    match: { path: /one/** }
                    upstream: %ONE%
                    upstream_protocol: h2c
                    public: true
                  - id: away
                    match: { path: /away/** }
                    upstream: %AWAY%
                    upstream_protocol: h2c
                    public: true
                  - id: idle
                    match: { path: /idle/** }
                    upstream: %IDLE%
                    upstream_protocol: h2
                    public: true
                  - id: tls
                    match: { path: /tls/** }
                    upstream: https://localhost:%TLS%
                    upstream_protocol: h2
                    upstream_tls: { ca_file: %CA% }
                    public: true
                  - id: no-alpn
                    match: { path: /no-alpn/** }
                    upstream: https://localhost:%NOALPN%
                    upstream_protocol: h2
                    upstream_tls: { ca_file: %CA% }
                    public: true
                  - id: api
                    match: { path: /api/** }
                    upstream: %MAIN%
                    upstream_protocol: h2c
                    allow: [ { groups_any: [devs] } ]
                """.replace("%MAIN%", main.url()).replace("%MUX%", mux.url()).replace("%ONE%", one.url())
                .replace("%AWAY%", away.url()).replace("%IDLE%", idle.url())
                .replace("%TLS%", String.valueOf(tls.port())).replace("%NOALPN%", String.valueOf(tlsWithoutAlpn.port()))
                .replace("%CA%", cert.pemFile().toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        for (H2TestUpstream u : List.of(main, mux, one, away, idle, tls, tlsWithoutAlpn)) {
            u.close();
        }
    }

    @BeforeEach
    void forget() {
        main.reset();
    }

    private static String token() {
        return h.token("alice@example.com", List.of("devs"));
    }

    @Test
    void aGetReachesTheH2UpstreamWithIdentityHeadersAndWithoutSpoofedOrConnectionSpecificOnes() throws Exception {
        try (RawHttp raw = h.raw()) {
            RawHttp.Response r = raw.exchange("GET /api/orders?x=1 HTTP/1.1\r\nHost: 127.0.0.1:" + h.port() + "\r\n"
                    + "Authorization: Bearer " + token() + "\r\n"
                    + "X-Auth-Subject: mallory\r\nX-Auth-Groups: admins\r\nX-Forwarded-For: 6.6.6.6\r\n"
                    + "Connection: keep-alive, X-Drop\r\nX-Drop: 1\r\nKeep-Alive: timeout=5\r\n"
                    + "Proxy-Connection: keep-alive\r\nUpgrade: h2c\r\nTE: trailers, deflate\r\nX-Kept: yes\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).isEqualTo("ok");
            assertThat(r.header("x-http2-stream-id")).isNull();
        }
        H2TestUpstream.Received got = main.only();
        assertThat(got.first(":method")).isEqualTo("GET");
        assertThat(got.first(":path")).isEqualTo("/api/orders?x=1");
        assertThat(got.first(":scheme")).isEqualTo("http");
        assertThat(got.first(":authority")).isEqualTo("127.0.0.1:" + main.port());
        assertThat(got.headers().get("x-auth-subject")).containsExactly("alice@example.com");
        assertThat(got.headers().get("x-auth-groups")).containsExactly("devs");
        assertThat(got.headers().get("x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(got.first("x-kept")).isEqualTo("yes");
        assertThat(got.headers().get("te")).containsExactly("trailers");
        assertThat(got.headers().keySet()).doesNotContain("connection", "keep-alive", "proxy-connection", "upgrade",
                "transfer-encoding", "x-drop", "host", "authorization");
    }

    /**
     * Netty's HTTP/1-to-2 conversion takes an HTTP/2 upstream's {@code :scheme} (and a CONNECT's
     * {@code :path}) from {@code x-http2-*} fields: a client's, in any spelling, never reaches it.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"x-http2-scheme|https", "X-Http2-Scheme|https", "x_http2_scheme|https",
            "x-http2-path|/admin", "x-http2-stream-id|7", "x-http2-stream-dependency-id|3"})
    void aClientsHttp2ExtensionFieldsNeverReachTheConversion(String name, String value) throws Exception {
        try (RawHttp raw = h.raw()) {
            RawHttp.Response r = raw.exchange("GET /api/orders?x=1 HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + token() + "\r\n" + name + ": " + value + "\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
        }
        H2TestUpstream.Received got = main.only();
        assertThat(got.first(":scheme")).isEqualTo("http");
        assertThat(got.first(":path")).isEqualTo("/api/orders?x=1");
        assertThat(got.headers().keySet()).noneMatch(n -> n.startsWith("x-http2") || n.startsWith("x_http2"));
    }

    /** Only "trailers" of a client's TE reaches an HTTP/2 upstream; every other value goes as hop-by-hop. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"trailers|trailers", "'trailers, deflate'|trailers",
            "'deflate;q=0.5, Trailers'|trailers", "gzip|", "trailersx|", "'deflate, chunked'|"})
    void teTrailersIsKeptAndEveryOtherTeValueDropped(String te, String expected) throws Exception {
        try (RawHttp raw = h.raw()) {
            RawHttp.Response r = raw.exchange("GET /slow/te HTTP/1.1\r\nHost: x\r\nTE: " + te + "\r\n\r\n");
            assertThat(r.status()).isEqualTo(200);
        }
        assertThat(main.only().headers().get("te")).isEqualTo(expected == null ? null : List.of(expected));
    }

    @Test
    void aPostBodyArrivesWholeWithItsLength() throws Exception {
        String body = "x".repeat(100_000);
        HttpResponse<String> res = h.send("POST", "/api/upload", token(), body);
        assertThat(res.statusCode()).isEqualTo(200);
        H2TestUpstream.Received got = main.only();
        assertThat(got.first(":method")).isEqualTo("POST");
        assertThat(got.text()).isEqualTo(body);
        assertThat(got.first("content-length")).isEqualTo("100000");
    }

    @Test
    void concurrentRequestsShareOneConnectionAsStreams() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            all.add(async("/mux/hold/" + i));
        }
        mux.awaitStarted(6);
        assertThat(mux.started.get()).isEqualTo(6); // all six in flight at once...
        assertThat(mux.connections.get()).isEqualTo(1); // ...on one connection
        mux.release();
        for (CompletableFuture<HttpResponse<String>> f : all) {
            assertThat(f.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(mux.connections.get()).isEqualTo(1);
    }

    @Test
    void anUpstreamThatTakesOneStreamAtATimeGetsASecondConnection() throws Exception {
        CompletableFuture<HttpResponse<String>> a = async("/one/hold/a");
        CompletableFuture<HttpResponse<String>> b = async("/one/hold/b");
        one.awaitStarted(2);
        assertThat(one.started.get()).isEqualTo(2);
        assertThat(one.connections.get()).isEqualTo(2);
        one.release();
        assertThat(a.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(b.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void afterGoawayNewRequestsGoOnANewConnectionAndAnUnprocessedIdempotentOneIsRetried() throws Exception {
        CompletableFuture<HttpResponse<String>> held = async("/away/hold/a"); // stream 1 of connection 1
        away.awaitStarted(1);
        // stream 3 of connection 1: GOAWAY with last-stream-id 1, so it was not processed, and is sent again
        HttpResponse<String> refused = h.get("/away/goaway-below/b", null);
        assertThat(refused.statusCode()).isEqualTo(200);
        assertThat(refused.headers().firstValue("x-upstream-connection")).contains("2");
        assertThat(away.begun).containsExactly("1 /away/hold/a", "1 /away/goaway-below/b", "2 /away/goaway-below/b");
        away.release();
        assertThat(held.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200); // in flight below the GOAWAY: finished
        HttpResponse<String> later = h.get("/away/later", null);
        assertThat(later.headers().firstValue("x-upstream-connection")).contains("2");
        assertThat(away.connections.get()).isEqualTo(2);
        awaitTrue(() -> away.closedConnections.get() == 1); // the first closes once its last stream ended

        // A request with a body cannot be sent again: 502.
        away.reset();
        CompletableFuture<HttpResponse<String>> held2 = async("/away/hold/c"); // stream 3 of connection 2
        away.awaitStarted(1);
        HttpResponse<String> post = h.send("POST", "/away/goaway-below/d", null, "payload");
        assertThat(post.statusCode()).isEqualTo(502);
        assertThat(post.body()).contains("upstream_error");
        away.release();
        assertThat(held2.get(20, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void anIdleConnectionClosesAfterTheIdleTimeoutAndH2OnHttpIsPriorKnowledge() throws Exception {
        assertThat(h.get("/idle/x", null).statusCode()).isEqualTo(200);
        assertThat(idle.connections.get()).isEqualTo(1);
        awaitTrue(() -> idle.closedConnections.get() == 1); // idle_timeout: 1s
        assertThat(h.get("/idle/y", null).statusCode()).isEqualTo(200);
        assertThat(idle.connections.get()).isEqualTo(2);
    }

    @Test
    void h2ToAnHttpsUpstreamIsAgreedByAlpnAndOneThatDoesNotAgreeIsAnUpstreamError() throws Exception {
        HttpResponse<String> ok = h.get("/tls/x", null);
        assertThat(ok.statusCode()).isEqualTo(200);
        H2TestUpstream.Received got = tls.only();
        assertThat(got.first(":scheme")).isEqualTo("https");
        assertThat(got.first(":authority")).isEqualTo("localhost:" + tls.port());

        HttpResponse<String> refused = h.get("/no-alpn/x", null);
        assertThat(refused.statusCode()).isEqualTo(502);
        assertThat(refused.body()).contains("upstream_error");
        assertThat(tlsWithoutAlpn.started.get()).isZero();
    }

    private static CompletableFuture<HttpResponse<String>> async(String path) {
        return h.http.sendAsync(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + path))
                .version(java.net.http.HttpClient.Version.HTTP_1_1).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitTrue(java.util.function.BooleanSupplier c) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!c.getAsBoolean() && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertThat(c.getAsBoolean()).isTrue();
    }
}
