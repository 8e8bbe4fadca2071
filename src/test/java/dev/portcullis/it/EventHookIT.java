package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.membership.DirectoryEvent;
import dev.portcullis.membership.RecordingApplier;
import dev.portcullis.server.Portcullis;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Okta Event Hook receiver at {@code /.portcullis/okta/events}, over real sockets: Okta's
 * verification, the secret, de-duplication and order, the body limit, malformed deliveries, and the
 * reserved prefix that a catch-all route cannot shadow (the upstream receives nothing).
 */
class EventHookIT {
    static final String SECRET = "s3cret-value";
    static final String HOOK = "/.portcullis/okta/events";
    static final String USER = "{\"id\":\"00u1\",\"type\":\"User\",\"alternateId\":\"bob@example.com\"}";
    static final String GROUP = "{\"id\":\"00g1\",\"type\":\"UserGroup\",\"displayName\":\"orders-admins\"}";
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;
    Harness h;
    RecordingApplier applier = new RecordingApplier();
    AuditCapture audit = new AuditCapture();

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
        Path secret = dir.resolve("hook-secret");
        Files.writeString(secret, "  " + SECRET + "\n");
        h.start(config(secret), applier);
    }

    @AfterEach
    void stop() throws Exception {
        audit.close();
        h.close();
    }

    static String config(Path secret) {
        return Harness.defaultConfig() + """
                  - id: everything
                    match: { path: /** }
                    upstream: %UPSTREAM%
                    public: true
                okta:
                  event_hook:
                    secret_header: Authorization
                    secret_file: SECRET
                    max_body_size: 2048
                """.replace("SECRET", secret.toString());
    }

    static String event(String uuid, String type, String published, String... targets) {
        return "{\"uuid\":\"" + uuid + "\",\"published\":\"" + published + "\",\"eventType\":\"" + type
                + "\",\"target\":[" + String.join(",", targets) + "]}";
    }

    static String delivery(String... events) {
        return "{\"eventType\":\"com.okta.event_hook\",\"eventTypeVersion\":\"1.0\",\"cloudEventsVersion\":\"0.1\","
                + "\"eventId\":\"d1\",\"data\":{\"events\":[" + String.join(",", events) + "]}}";
    }

    static String removal(String uuid, int second) {
        return event(uuid, "group.user_membership.remove", "2026-01-01T10:00:%02dZ".formatted(second), USER, GROUP);
    }

    HttpResponse<String> post(String path, Map<String, String> headers, String body) throws Exception {
        return post(h.port(), path, headers, body);
    }

    HttpResponse<String> post(int port, Map<String, String> headers, String body) throws Exception {
        return post(port, HOOK, headers, body);
    }

    HttpResponse<String> post(int port, String path, Map<String, String> headers, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
        headers.forEach(b::header);
        return h.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> deliver(String body) throws Exception {
        return post(HOOK, Map.of("authorization", SECRET), body);
    }

    double metric(String name, String... labels) throws Exception {
        return PromText.sum(h.metrics(), name, labels);
    }

    @Test
    void answersOktasVerificationWithItsChallenge() throws Exception {
        RawHttp.Response r = h.raw().exchange("GET " + HOOK + " HTTP/1.1\r\nHost: proxy\r\n"
                + "x-okta-verification-challenge: d1f4-\"q\"\r\nAUTHORIZATION: " + SECRET + "\r\n\r\n");

        assertThat(r.status()).isEqualTo(200);
        assertThat(JSON.readTree(r.body()).get("verification").asText()).isEqualTo("d1f4-\"q\"");
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void refusesAVerificationWithoutTheSecret() throws Exception {
        RawHttp.Response r = h.raw().exchange("GET " + HOOK + " HTTP/1.1\r\nHost: proxy\r\n"
                + "X-Okta-Verification-Challenge: abc\r\n\r\n");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.bodyText()).contains("okta_hook_unauthorized").doesNotContain("abc");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Authorization: wrong", "Authorization: s3cret-valu", "Authorization: s3cret-value2",
        "Authorization: S3CRET-VALUE", "Authorization: Bearer s3cret-value",
        "Authorization: s3cret-value\r\nAuthorization: s3cret-value", "X-Okta-Secret: s3cret-value"})
    void refusesADeliveryWithoutTheRightSecret(String header) throws Exception {
        String body = delivery(removal("u1", 1));
        RawHttp.Response r = h.raw().exchange("POST " + HOOK + " HTTP/1.1\r\nHost: proxy\r\n"
                + (header.isEmpty() ? "" : header + "\r\n") + "Content-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body);

        assertThat(r.status()).isEqualTo(401);
        assertThat(audit.await(l -> "okta_hook_unauthorized".equals(l.path("reason").asText()))).isNotNull();
        assertThat(h.metricsOnce("okta_hook_unauthorized")).contains(
                "portcullis_okta_event_deliveries_total{reason=\"okta_hook_unauthorized\"} 1.0");
        // Nothing applied: a good delivery after it is the first and only event the overlay sees.
        assertThat(deliver(delivery(removal("u2", 2))).statusCode()).isEqualTo(200);
        assertThat(applier.await(1)).containsExactly("u2");
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void takesADeliveryAndAppliesItOffTheRequestPath() throws Exception {
        HttpResponse<String> r = deliver(delivery(removal("u1", 1)));

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEmpty();
        assertThat(applier.await(1)).containsExactly("u1");
        DirectoryEvent e = applier.events().get(0);
        assertThat(e.type()).isEqualTo(DirectoryEvent.Type.MEMBERSHIP_REMOVE);
        assertThat(e.userId()).isEqualTo("00u1");
        assertThat(e.groupName()).isEqualTo("orders-admins");
        assertThat(audit.await(l -> "okta_event_hook".equals(l.path("reason").asText())).path("status").asInt())
                .isEqualTo(200);
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void appliesADuplicateDeliveryOnce() throws Exception {
        String body = delivery(removal("u1", 1), removal("u2", 2));
        assertThat(deliver(body).statusCode()).isEqualTo(200);
        assertThat(deliver(body).statusCode()).isEqualTo(200);
        assertThat(deliver(delivery(removal("u2", 2), removal("u3", 3))).statusCode()).isEqualTo(200);

        assertThat(applier.await(3)).containsExactly("u1", "u2", "u3");
        assertThat(h.metricsWhen(t -> PromText.sum(t, "portcullis_okta_events_total", "result=\"duplicate\"") == 3))
                .contains("portcullis_okta_events_total{result=\"duplicate\"} 3.0");
        Thread.sleep(200); // nothing more may come: the applier is idle now
        assertThat(applier.uuids()).hasSize(3);
    }

    @Test
    void appliesADeliveryInPublishedOrderWhateverOrderItCameIn() throws Exception {
        assertThat(deliver(delivery(removal("late", 30), removal("early", 10), removal("middle", 20))).statusCode())
                .isEqualTo(200);

        assertThat(applier.await(3)).containsExactly("early", "middle", "late");
    }

    @Test
    void refusesAnOversizedDelivery() throws Exception {
        String big = delivery(removal("u1", 1), "\"" + "x".repeat(4096) + "\"");
        assertThat(deliver(big).statusCode()).isEqualTo(413);

        // The same without a declared length: chunked, refused once it passes the limit.
        RawHttp raw = h.raw();
        raw.send("POST " + HOOK + " HTTP/1.1\r\nHost: proxy\r\nAuthorization: " + SECRET
                + "\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int i = 0; i < 3; i++) {
            raw.send(Integer.toHexString(1024) + "\r\n" + "y".repeat(1024) + "\r\n");
        }
        assertThat(raw.read().status()).isEqualTo(413);
        assertThat(applier.uuids()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"{not json", "[]", "{\"eventType\":\"com.okta.event_hook\"}",
        "{\"eventType\":\"com.okta.event_hook\",\"data\":{\"events\":[{\"uuid\":\"x\"}]}}"})
    void refusesAMalformedDelivery(String body) throws Exception {
        HttpResponse<String> r = deliver(body);

        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("okta_event_malformed");
    }

    @Test
    void ignoresAndCountsEventTypesItDoesNotActOn() throws Exception {
        assertThat(deliver(delivery(event("s1", "user.authentication.sso", "2026-01-01T10:00:00Z", USER),
                removal("u1", 1))).statusCode()).isEqualTo(200);

        assertThat(applier.await(1)).containsExactly("u1");
        String m = h.metricsOnce("result=\"applied\"} 1.0");
        assertThat(PromText.sum(m, "portcullis_okta_events_total", "result=\"ignored\"")).isEqualTo(1);
        assertThat(PromText.sum(m, "portcullis_okta_events_total", "result=\"received\"")).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {HOOK, "/%2Eportcullis/okta/events", "/%2eportcullis/okta/%65vents",
        "/x/../.portcullis/okta/events", "//.portcullis/okta/events", "/.portcullis/okta/events?x=1",
        "/.portcullis/", "/.portcullis", "/.portcullis/anything", "/.portcullis/okta/events/"})
    void noRouteShadowsTheReservedPrefix(String path) throws Exception {
        HttpResponse<String> r = post(path, Map.of("Authorization", SECRET), "{}");

        assertThat(r.statusCode()).isIn(400, 404);
        assertThat(h.upstream.poll()).isNull();
        // The catch-all route still serves everything else.
        assertThat(h.get("/elsewhere", null).statusCode()).isEqualTo(200);
        assertThat(h.upstream.take().target()).isEqualTo("/elsewhere");
    }

    @Test
    void refusesOtherMethods() throws Exception {
        HttpResponse<String> r = h.send("PUT", HOOK, null, "{}");

        assertThat(r.statusCode()).isEqualTo(405);
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void keepsServingOnTheSameConnectionAfterADelivery() throws Exception {
        String body = delivery(removal("u1", 1));
        RawHttp raw = h.raw();
        raw.send("POST " + HOOK + " HTTP/1.1\r\nHost: proxy\r\nAuthorization: " + SECRET + "\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body);
        assertThat(raw.read().status()).isEqualTo(200);
        raw.send("GET /public/page HTTP/1.1\r\nHost: proxy\r\n\r\n");
        assertThat(raw.read().status()).isEqualTo(200);
        assertThat(h.upstream.take().target()).isEqualTo("/public/page");
    }

    @Test
    void isNotThereWhenNotConfigured() throws Exception {
        try (Harness plain = new Harness()) {
            plain.start(Harness.defaultConfig() + """
                      - id: everything
                        match: { path: /** }
                        upstream: %UPSTREAM%
                        public: true
                    """);
            HttpResponse<String> r = plain.send("POST", HOOK, null, delivery(removal("u1", 1)));

            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(plain.upstream.poll()).isNull();
        }
    }

    @Test
    void guessingTheSecretGetsTheSourceBlocked() throws Exception {
        RecordingApplier own = new RecordingApplier();
        try (Harness blocking = new Harness()) {
            blocking.start(config(dir.resolve("hook-secret")) + """
                    detection:
                      enabled: true
                      client_threshold: 3
                      block: { enabled: true, cooldown: 1m }
                    """, own);
            for (int i = 0; i < 3; i++) {
                assertThat(blocking.send("POST", HOOK, "guess" + i, "{}").statusCode()).isEqualTo(401);
            }
            HttpResponse<String> r = null;
            for (int i = 0; i < 50 && (r == null || r.statusCode() != 429); i++) { // the block is set off the loop
                r = post(blocking.port(), Map.of("Authorization", SECRET), delivery(removal("b1", 1)));
            }

            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.body()).contains("source_blocked");
        }
    }

    @Test
    void aFullQueueAnswers503SoOktaRetriesAndTheRetryIsTaken() throws Exception {
        RecordingApplier own = new RecordingApplier();
        own.hold();
        try (Harness small = new Harness()) {
            small.start(config(dir.resolve("hook-secret")).replace("max_body_size: 2048",
                    "max_body_size: 2048\n    queue_capacity: 1"), own);
            Map<String, String> secret = Map.of("Authorization", SECRET);
            assertThat(post(small.port(), secret, delivery(removal("q1", 1))).statusCode()).isEqualTo(200);

            HttpResponse<String> full = post(small.port(), secret, delivery(removal("q2", 2)));
            assertThat(full.statusCode()).isEqualTo(503);
            assertThat(full.body()).contains("okta_events_busy");

            own.release();
            assertThat(own.await(1)).containsExactly("q1");
            HttpResponse<String> retried = null;
            for (int i = 0; i < 100 && (retried == null || retried.statusCode() != 200); i++) {
                retried = post(small.port(), secret, delivery(removal("q2", 2))); // until q1's slot is free
            }
            assertThat(retried.statusCode()).isEqualTo(200);
            assertThat(own.await(2)).containsExactly("q1", "q2");
        }
    }

    @Test
    void readsANewSecretOnReload() throws Exception {
        Path secret = dir.resolve("rotating-secret");
        Files.writeString(secret, "first");
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, h.fill(config(secret)));
        RecordingApplier own = new RecordingApplier();
        try (Portcullis p = Portcullis.startWatching(file, new ConfigReader().read(file), own)) {
            String body = delivery(removal("r1", 1));
            String head = "POST " + HOOK + " HTTP/1.1\r\nHost: proxy\r\nContent-Length: " + body.length()
                    + "\r\nAuthorization: ";
            assertThat(new RawHttp(p.port()).exchange(head + "first\r\n\r\n" + body).status()).isEqualTo(200);

            Files.writeString(secret, "second\n");
            assertThat(p.reload().get()).isTrue();

            assertThat(new RawHttp(p.port()).exchange(head + "first\r\n\r\n" + body).status()).isEqualTo(401);
            assertThat(new RawHttp(p.port()).exchange(head + "second\r\n\r\n" + body).status()).isEqualTo(200);
            assertThat(own.await(1)).containsExactly("r1");
        }
    }

    /** Without an applier passed in, a hook's events go to the membership overlay the hook turns on. */
    @Test
    void withoutAnApplierPassedInTheEventsGoToTheMembershipOverlay() throws Exception {
        String text = h.fill(config(dir.resolve("hook-secret")));

        try (Portcullis p = Portcullis.start(new ConfigReader().read("t.yaml", text), text)) {
            assertThat(p.directoryEvents()).isNotNull();
            assertThat(p.membershipApplier()).isNotNull();
        }
    }

    @Test
    void refusesToStartWithoutItsSecret() throws Exception {
        String text = h.fill(config(dir.resolve("missing")));

        assertThatThrownBy(() -> Portcullis.start(new ConfigReader().read("t.yaml", text), text, e -> { }))
                .hasMessageContaining("secret_file");
    }
}
