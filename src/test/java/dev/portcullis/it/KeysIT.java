package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Signing keys over real HTTP: rotation without restart, unknown-kid floods that must not become
 * floods on the issuer, and keys endpoints that fail before or after start-up. Each test has its
 * own issuer and proxy, since each one changes what the issuer serves.
 */
class KeysIT {
    private static final List<String> READERS = List.of("orders-readers");

    private RotatingIssuer rot;
    private Harness h;
    private RSAKey k1;

    @BeforeEach
    void issuer() throws Exception {
        rot = new RotatingIssuer();
        k1 = RotatingIssuer.newKey("k1");
        rot.publish(k1);
        h = new Harness();
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
        rot.close();
    }

    private String config(String minRefetch) {
        return """
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: { key_wait_timeout: 2s }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
                issuers:
                  - id: mock
                    issuer: %ISSUER%
                    audiences: [api://portcullis]
                  - id: rot
                    issuer: %ROT%
                    audiences: [api://portcullis]
                    jwks_min_refetch_interval: %REFETCH%
                routes:
                  - id: orders
                    match: { path: /orders/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [orders-readers] } ]
                """.replace("%ROT%", rot.issuer()).replace("%REFETCH%", minRefetch);
    }

    private HttpResponse<String> get(String token) throws Exception {
        return h.get("/orders/1", token);
    }

    private static void await(String what, Duration bound, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + bound + ": " + what);
            }
            Thread.sleep(25);
        }
    }

    private static void quiet(Duration d) throws InterruptedException {
        Thread.sleep(d.toMillis());
    }

    @Test
    void newKeyIsPickedUpWithoutRestartAndARetiredKeyStopsWorking() throws Exception {
        h.start(config("300ms"));
        String oldToken = rot.mint(k1, "alice", READERS);
        assertThat(get(oldToken).statusCode()).isEqualTo(200);
        h.upstream.clear();

        RSAKey k2 = RotatingIssuer.newKey("k2");
        rot.publish(k2); // k1 retired at the same time
        quiet(Duration.ofMillis(400)); // past the minimum refetch interval
        int before = rot.jwksRequests();

        HttpResponse<String> res = get(rot.mint(k2, "bob", READERS));

        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(rot.jwksRequests()).as("one refetch for the new kid").isEqualTo(before + 1);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.header("X-Auth-Subject")).isEqualTo("bob");
        assertThat(r.header("X-Auth-Issuer")).isEqualTo("rot");

        HttpResponse<String> retired = get(oldToken);
        assertThat(retired.statusCode()).isEqualTo(401);
        assertThat(retired.body()).contains("\"reason\":\"key_unknown\"");
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void floodOfUnknownKidsCausesAtMostTwoKeyFetches() throws Exception {
        h.start(config("2s"));
        quiet(Duration.ofMillis(2100)); // the start-up fetch no longer counts against the interval
        RSAKey stranger = RotatingIssuer.newKey("stranger");
        int before = rot.jwksRequests();

        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String token = RotatingIssuer.mint(stranger, UUID.randomUUID().toString(), rot.issuer(), "mallory",
                    READERS);
            flood.add(h.http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/orders/1"))
                    .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);

        for (CompletableFuture<HttpResponse<String>> f : flood) {
            HttpResponse<String> res = f.join();
            assertThat(res.statusCode()).isEqualTo(401);
            assertThat(res.headers().firstValue("WWW-Authenticate"))
                    .hasValue("Bearer realm=\"portcullis\", error=\"invalid_token\"");
            assertThat(res.body()).contains("\"reason\":\"key_unknown\"");
        }
        assertThat(rot.jwksRequests() - before).as("key set fetches caused by 50 unknown kids").isBetween(1, 2);
        assertThat(h.upstream.poll()).isNull();
        assertThat(get(rot.mint(k1, "alice", READERS)).statusCode()).as("known keys still work").isEqualTo(200);
    }

    @Test
    void keysEndpointGoingDownAfterStartKeepsTheLoadedKeys() throws Exception {
        h.start(config("200ms"));
        String rotToken = rot.mint(k1, "alice", READERS);
        String mockToken = h.token("carol", READERS);

        rot.stop();
        h.issuer.shutdown();
        // An unknown kid forces a refetch, which now fails: the held keys must survive it.
        quiet(Duration.ofMillis(300));
        HttpResponse<String> unknown = get(RotatingIssuer.mint(RotatingIssuer.newKey("x"), "x", rot.issuer(), "m",
                READERS));
        assertThat(unknown.statusCode()).isIn(401, 503);
        await("the failed fetch is counted", Duration.ofSeconds(5),
                () -> metricValue("portcullis_jwks_fetches_total", "issuer=\"rot\"", "result=\"failure\"") >= 1);

        assertThat(get(rotToken).statusCode()).isEqualTo(200);
        assertThat(get(mockToken).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = h.admin("/readyz");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("alice");
        assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("carol");
    }

    @Test
    void keysEndpointDownAtStartGives503WithinTheWaitBoundThenRecovers() throws Exception {
        rot.available(false);
        h.startWithoutWaiting(config("200ms"));
        IntSupplier attempts = () -> rot.discoveryRequests() + rot.jwksRequests();
        await("a first key fetch attempt", Duration.ofSeconds(5), () -> attempts.getAsInt() > 0);

        HttpResponse<String> notReady = h.admin("/readyz");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).contains("\"rot\":{\"keys_loaded\":false");

        String token = rot.mint(k1, "alice", READERS); // signed before the clock starts
        long t0 = System.nanoTime();
        HttpResponse<String> res = get(token);
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).contains("\"reason\":\"keys_unavailable\"");
        assertThat(res.headers().firstValue("WWW-Authenticate")).as("not the token's fault").isEmpty();
        // 2 s of waiting plus room for a slow machine; unbounded would end at the client's 10 s timeout
        assertThat(millis).as("bounded by key_wait_timeout (2s)").isLessThan(4500);
        assertThat(h.upstream.poll()).isNull();
        await("the mock issuer's keys", Duration.ofSeconds(5), this::mockKeysLoaded);
        assertThat(get(h.token("carol", READERS)).statusCode()).as("other issuers are unaffected").isEqualTo(200);
        h.upstream.clear();

        rot.available(true);
        await("/readyz 200 after the issuer recovers", Duration.ofSeconds(20), () -> readyz() == 200);
        assertThat(get(rot.mint(k1, "alice", READERS)).statusCode()).isEqualTo(200);
        assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("alice");
    }

    @Test
    void keysEndpointRefusingConnectionsAtStartGives503() throws Exception {
        rot.stop();
        h.startWithoutWaiting(config("200ms"));

        String token = rot.mint(k1, "alice", READERS); // signed before the clock starts
        long t0 = System.nanoTime();
        HttpResponse<String> res = get(token);
        long millis = (System.nanoTime() - t0) / 1_000_000;

        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).contains("\"reason\":\"keys_unavailable\"");
        assertThat(millis).as("bounded by key_wait_timeout (2s)").isLessThan(4500);
        assertThat(h.admin("/readyz").statusCode()).isEqualTo(503);
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void oneIssuersKeysDoNotVerifyAnotherIssuersTokens() throws Exception {
        h.start(config("200ms"));
        // Signed with rot's key, but claiming to come from the mock issuer, under the mock issuer's kid.
        String forged = RotatingIssuer.mint(k1, "default", h.issuerUrl(), "mallory", READERS);

        HttpResponse<String> res = get(forged);

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.body()).contains("\"reason\":\"signature_invalid\"");
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void symmetricAndUnsignedTokensAreRefused() throws Exception {
        h.start(config("200ms"));
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(rot.issuer()).subject("mallory")
                .audience(Harness.AUDIENCE).issueTime(new Date()).expirationTime(new Date(System.currentTimeMillis()
                        + 60_000)).claim("groups", READERS).build();
        // HS256 keyed with the published public key: the classic algorithm-confusion forgery.
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), claims);
        hmac.sign(new MACSigner(k1.toPublicJWK().toJSONString().getBytes(StandardCharsets.UTF_8)));
        String none = new PlainJWT(claims).serialize();

        for (String token : List.of(hmac.serialize(), none)) {
            HttpResponse<String> res = get(token);
            assertThat(res.statusCode()).isEqualTo(401);
            assertThat(res.body()).containsAnyOf("\"reason\":\"algorithm_rejected\"", "\"reason\":\"token_malformed\"");
        }
        assertThat(h.upstream.poll()).isNull();
    }

    private int readyz() {
        try {
            return h.admin("/readyz").statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private boolean mockKeysLoaded() {
        try {
            return h.admin("/readyz").body().contains("\"mock\":{\"keys_loaded\":true");
        } catch (Exception e) {
            return false;
        }
    }

    private double metricValue(String name, String... labels) {
        try {
            return PromText.sum(h.metrics(), name, labels);
        } catch (Exception e) {
            return -1;
        }
    }
}
