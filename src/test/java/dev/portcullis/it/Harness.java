package dev.portcullis.it;

import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.server.Portcullis;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * Real parts on loopback: a third-party OIDC issuer ({@code mock-oauth2-server}), a recording
 * upstream, and Portcullis itself on ephemeral ports, configured from YAML like a user would.
 */
public final class Harness implements AutoCloseable {
    public static final String AUDIENCE = "api://portcullis";

    public final MockOAuth2Server issuer = new MockOAuth2Server();
    public final RecordingUpstream upstream;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Portcullis proxy;

    public Harness() throws IOException {
        issuer.start();
        upstream = new RecordingUpstream();
    }

    public String issuerUrl() {
        return issuer.issuerUrl("default").toString();
    }

    /** The default config used by most tests; {@code %UPSTREAM%} and {@code %ISSUER%} are filled in. */
    public static String defaultConfig() {
        return """
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: { key_wait_timeout: 2s }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 1s }
                issuers:
                  - id: mock
                    issuer: %ISSUER%
                    audiences: [api://portcullis]
                    clock_skew: 5s
                    max_token_lifetime: 1h
                    jwks_min_refetch_interval: 500ms
                routes:
                  - id: orders
                    match: { path: /orders/** }
                    upstream: %UPSTREAM%
                    deny: [ { groups_any: [suspended] } ]
                    allow:
                      - { methods: [GET, HEAD], groups_any: [orders-readers, orders-admins] }
                      - { methods: [POST, PUT, PATCH, DELETE], groups_any: [orders-admins] }
                  - id: reports
                    match: { path: /reports/* }
                    upstream: %UPSTREAM%
                    allow: [ { scopes_any: [reports.read] } ]
                  - id: docs
                    match: { path: /public/** }
                    upstream: %UPSTREAM%
                    public: true
                """;
    }

    public Harness start() throws Exception {
        return start(defaultConfig());
    }

    public Harness start(String yaml) throws Exception {
        startWithoutWaiting(yaml);
        awaitReady();
        return this;
    }

    /** Starts the proxy but does not wait for {@code /readyz}: for tests whose keys cannot load. */
    public Harness startWithoutWaiting(String yaml) throws Exception {
        String text = yaml.replace("%ISSUER%", issuerUrl()).replace("%UPSTREAM%", upstream.url());
        ProxyConfig config = new ConfigReader().read("test.yaml", text);
        proxy = Portcullis.start(config, text);
        return this;
    }

    /** Starts the proxy with what applies the Okta Event Hook's directory events, and waits for it. */
    public Harness start(String yaml, dev.portcullis.membership.EventApplier applier) throws Exception {
        String text = fill(yaml);
        proxy = Portcullis.start(new ConfigReader().read("test.yaml", text), text, applier);
        awaitReady();
        return this;
    }

    /**
     * Writes the config to {@code file} and starts the proxy watching it, as {@code portcullis run}
     * does: edits to the file reload the policy.
     */
    public Harness startWatching(java.nio.file.Path file, String yaml) throws Exception {
        java.nio.file.Files.writeString(file, fill(yaml));
        proxy = Portcullis.startWatching(file, new ConfigReader().read(file));
        awaitReady();
        return this;
    }

    /** The YAML with %ISSUER% and %UPSTREAM% filled in. */
    public String fill(String yaml) {
        return yaml.replace("%ISSUER%", issuerUrl()).replace("%UPSTREAM%", upstream.url());
    }

    /** The proxy's client-facing port. */
    public int port() {
        return proxy.port();
    }

    /** A new raw client connection to the proxy, for exact bytes. */
    public RawHttp raw() throws IOException {
        return new RawHttp(proxy.port());
    }

    public Portcullis proxy() {
        return proxy;
    }

    public void awaitReady() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (admin("/readyz").statusCode() == 200) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("proxy not ready within 10 s: " + admin("/readyz").body());
    }

    /** A token from the mock issuer with the given groups (and extra claims), valid for 5 minutes. */
    public String token(String subject, List<String> groups) {
        return token(subject, Map.of("groups", groups));
    }

    public String token(String subject, Map<String, Object> claims) {
        return issuer.issueToken("default", subject, AUDIENCE, claims, 300).serialize();
    }

    /** A token from any of the mock server's issuers, for any audience and lifetime (negative: expired). */
    public String token(String issuerId, String subject, String audience, Map<String, Object> claims,
            long expirySeconds) {
        return issuer.issueToken(issuerId, subject, audience, claims, expirySeconds).serialize();
    }

    /** The text of {@code /metrics}. */
    public String metrics() throws IOException, InterruptedException {
        return admin("/metrics").body();
    }

    /**
     * /metrics once it contains {@code expected}, or as it is after 5 s. For counters updated off
     * the request's path to the client: an allowed request is counted just after its response is
     * sent, and an audit line can be written before the counters beside it are updated.
     */
    public String metricsOnce(String expected) throws IOException, InterruptedException {
        return metricsWhen(text -> text.contains(expected));
    }

    /** /metrics once {@code ready} holds for its text, or as it is after 5 s. */
    public String metricsWhen(java.util.function.Predicate<String> ready) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        String text = metrics();
        while (!ready.test(text) && System.nanoTime() < deadline) {
            Thread.sleep(25);
            text = metrics();
        }
        return text;
    }

    public HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        return send("GET", path, token, null);
    }

    public HttpResponse<String> send(String method, String path, String token, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.port() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> admin(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + proxy.adminPort() + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws IOException {
        if (proxy != null) {
            proxy.close();
        }
        upstream.close();
        issuer.shutdown();
    }
}
