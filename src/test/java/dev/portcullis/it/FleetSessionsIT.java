package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.SharedStateConfig;
import dev.portcullis.server.Portcullis;
import dev.portcullis.server.TestSignIn;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.Sessions;
import dev.portcullis.session.TokenSet;
import dev.portcullis.shared.RedisConnection;
import dev.portcullis.shared.RedisServer;
import dev.portcullis.shared.SharedStateListener;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two proxy instances over one real redis-server ({@code shared_state.redis}), over real sockets, with
 * mock-oauth2-server as the issuer: a browser session begun on A is served by B, refreshed once for
 * requests spread over both, and a sign-out on B is refused on A within a second. What the upstream
 * received is asserted, not only the status.
 */
class FleetSessionsIT {
    private static final String COOKIE = "portcullis"; // plain HTTP on loopback
    private static RedisServer redis;
    private static Harness h;
    private static Portcullis b;
    private static TokenEndpointClient oidc;
    private static ScheduledExecutorService scheduler;
    private static RedisConnection probe;
    private static String config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        redis = RedisServer.start();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        probe = RedisConnection.start(new SharedStateConfig.Redis(redis.uri(), null, null, null, "fleet-it:", List.of(),
                Duration.ofSeconds(1)), scheduler, SharedStateListener.NONE);
        Path secret = dir.resolve("client-secret");
        Files.writeString(secret, "secret\n");
        Path key = dir.resolve("session-key");
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        Files.write(key, k);
        String yaml = """
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: { key_wait_timeout: 10s }
                issuers:
                  - id: mock
                    issuer: %%ISSUER%%
                    audiences: [api://portcullis]
                    max_token_lifetime: 2h
                    client: { client_id: portcullis, client_secret_file: %s }
                routes:
                  - id: app
                    match: { path: /app/** }
                    upstream: %%UPSTREAM%%
                    login: browser
                    allow: [ { groups_any: [engineering] } ]
                shared_state:
                  redis: { uri: "%s", key_prefix: "fleet-it:", timeout: 1s, session_keys_files: [%s] }
                """.formatted(secret, redis.uri(), key);
        h = new Harness().start(yaml);
        String text = h.fill(yaml);
        config = text;
        b = Portcullis.start(new ConfigReader().read("b.yaml", text), text);
        oidc = new TokenEndpointClient(h.issuer.tokenEndpointUrl("default").uri(), "portcullis");
        for (Portcullis p : List.of(h.proxy(), b)) {
            p.gate().sessions().useClient(oidc);
            TestSignIn.install(p);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        h.close();
        probe.close();
        scheduler.shutdownNow();
        redis.close();
    }

    /** Real tokens for {@code sub}: an authorization code round trip at mock-oauth2-server. */
    private static TokenSet signedIn(String sub) throws Exception {
        return oidc.signedIn(h, sub);
    }

    /** A session begun on A, as its sign-in callback begins one. */
    private static String signInOnA(String sub, long expiresAtMillis) throws Exception {
        TokenSet t = signedIn(sub);
        Sessions a = h.proxy().gate().sessions();
        return a.start("mock", sub, new TokenSet(t.accessToken(), t.refreshToken(), t.idToken(), expiresAtMillis),
                null, System.currentTimeMillis());
    }

    private HttpRequest.Builder request(Portcullis on, String method, String path, String id) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + on.port() + path)).timeout(Duration.ofSeconds(20))
                .method(method, HttpRequest.BodyPublishers.noBody()).header("Cookie", COOKIE + "=" + id)
                .header("Sec-Fetch-Mode", "cors").header("Sec-Fetch-Site", "same-origin");
    }

    private HttpResponse<String> get(Portcullis on, String path, String id) throws Exception {
        return http.send(request(on, "GET", path, id).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int tokenRequests() {
        int n = 0;
        RecordedRequest r;
        while ((r = take()) != null) {
            n += r.getPath() != null && r.getPath().endsWith("/token") ? 1 : 0;
        }
        return n;
    }

    private static RecordedRequest take() {
        try {
            return h.issuer.takeRequest(300, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return null; // "no request found in queue within timeout"
        }
    }

    /** Waits until the session is in Redis (A writes it through asynchronously). */
    private static String shared(String id) throws Exception {
        String key = "fleet-it:s:" + SessionIds.key(id);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (probe.call(SharedStateListener.Op.GET, c -> c.exists(key)).handle((n, e) -> e == null && n == 1).join()
                != Boolean.TRUE) {
            assertThat(System.nanoTime()).as("waited 10s for the session in Redis").isLessThan(deadline);
            Thread.sleep(20);
        }
        return id;
    }

    /**
     * {@code max_session_size: 1024} on a third instance C: a session of real tokens (over 1 KiB, far
     * under the default 16 KiB, which A shares) is served by C and never reaches Redis, so B does not know it.
     */
    @Test
    void aSessionLargerThanTheConfiguredMaxSessionSizeStaysOnItsInstance() throws Exception {
        String text = config.replace("timeout: 1s,", "timeout: 1s, max_session_size: 1024,");
        assertThat(text).contains("max_session_size: 1024");
        try (Portcullis c = Portcullis.start(new ConfigReader().read("c.yaml", text), text)) {
            c.gate().sessions().useClient(oidc);
            TestSignIn.install(c);
            TokenSet t = signedIn("erin");
            long now = System.currentTimeMillis();
            TokenSet tokens = new TokenSet(t.accessToken(), t.refreshToken(), t.idToken(), now + 3_600_000);
            String large = c.gate().sessions().start("mock", "erin", tokens, null, now);
            // written after the large one on the same connection: once it is in Redis, the large one was refused
            shared(c.gate().sessions().start("mock", "marker", new TokenSet("a", "r", null, now + 3_600_000), null, now));
            assertThat(shared(signInOnA("erin", now + 3_600_000))).as("as large a session is shared by A").isNotNull();
            h.upstream.clear();

            String key = "fleet-it:s:" + SessionIds.key(large);
            assertThat(probe.call(SharedStateListener.Op.GET, r -> r.exists(key)).get(5, TimeUnit.SECONDS)).isZero();
            HttpResponse<String> onC = get(c, "/app/here", large);
            assertThat(onC.statusCode()).as(onC.body()).isEqualTo(200);
            assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("erin");
            assertThat(get(b, "/app/there", large).statusCode()).as("unknown on B").isEqualTo(401);
            assertThat(h.upstream.poll()).as("nothing reached the upstream from B").isNull();
        }
    }

    @Test
    void aSessionBegunOnAIsServedByBRefreshedOnceAcrossBothAndASignOutOnBIsRefusedOnA() throws Exception {
        String id = shared(signInOnA("carol", System.currentTimeMillis() + 3_600_000));
        h.upstream.clear();

        HttpResponse<String> onB = get(b, "/app/first", id);
        assertThat(onB.statusCode()).as(onB.body()).isEqualTo(200);
        assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("carol");

        // due for refresh (refresh_before is 60 s): 20 requests spread over A and B, one refresh at the issuer
        String due = shared(signInOnA("dave", System.currentTimeMillis() + 1_000));
        tokenRequests(); // the sign-in's own
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Portcullis on = i % 2 == 0 ? h.proxy() : b;
            all.add(http.sendAsync(request(on, "GET", "/app/" + i, due).build(), HttpResponse.BodyHandlers.ofString()));
        }
        String newId = null;
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.get(60, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            String set = r.headers().firstValue("Set-Cookie").orElseThrow();
            String value = set.substring(COOKIE.length() + 1, set.indexOf(';'));
            assertThat(newId == null || newId.equals(value)).as("one new id for all").isTrue();
            newId = value;
        }
        for (int i = 0; i < 20; i++) {
            assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("dave");
        }
        assertThat(tokenRequests()).isEqualTo(1);
        for (Portcullis on : List.of(h.proxy(), b)) {
            HttpResponse<String> r = get(on, "/app/new", newId);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Set-Cookie")).isEmpty();
            assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("dave");
        }

        // a sign-out on B: A, which holds the session too, refuses it within a second
        HttpResponse<String> out = http.send(request(b, "POST", "/.portcullis/sign_out", newId).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(out.statusCode()).isEqualTo(200);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        HttpResponse<String> onA = get(h.proxy(), "/app/after", newId);
        while (onA.statusCode() == 200 && System.nanoTime() < deadline) {
            Thread.sleep(20);
            onA = get(h.proxy(), "/app/after", newId);
        }
        assertThat(onA.statusCode()).as("refused on A within a second of the sign-out on B").isEqualTo(401);
        h.upstream.clear();
        assertThat(get(h.proxy(), "/app/later", newId).statusCode()).isEqualTo(401);
        assertThat(get(b, "/app/later", newId).statusCode()).isEqualTo(401);
        assertThat(h.upstream.poll()).as("nothing reached the upstream").isNull();
    }
}
