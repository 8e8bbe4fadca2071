package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ConfigReader;
import dev.portcullis.server.Portcullis;
import dev.portcullis.shared.RedisServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Directory events enforced fleet-wide, over real sockets: two proxy instances sharing one real
 * redis-server, one issuer and one recording upstream. An Okta Event Hook delivery to A refuses the
 * user's next request on B; an operator's revocation on B refuses on A; an instance started after
 * the event refuses too (it catches up from the stream).
 */
class FleetEventsIT {
    static final String SECRET = "hook-s3cret-value";
    static final String ADMIN_TOKEN = "fleet-admin-token-0123456789abcdef";
    /** The issue asks for one second; the bound is generous for a loaded 2-core machine. */
    static final Duration BOUND = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    RedisServer redis;
    Harness h;
    String config;
    Portcullis b;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        Path secret = dir.resolve("hook-secret");
        Files.writeString(secret, SECRET + "\n");
        Path token = dir.resolve("admin-token");
        Files.writeString(token, ADMIN_TOKEN + "\n");
        h = new Harness();
        config = h.fill(Harness.defaultConfig().replace("admin: { listen: 127.0.0.1:0 }",
                "admin: { listen: 127.0.0.1:0, token_file: " + token + " }") + """
                okta:
                  event_hook:
                    secret_header: Authorization
                    secret_file: %s
                shared_state:
                  redis:
                    uri: %s
                    key_prefix: "fleet-it:"
                    timeout: 500ms
                """.formatted(secret, redis.uri()));
        h.start(config);
        b = startInstance();
    }

    @AfterEach
    void stop() throws Exception {
        if (b != null) {
            b.close();
        }
        h.close();
        redis.close();
    }

    private Portcullis startInstance() throws Exception {
        Portcullis p = Portcullis.start(new ConfigReader().read("b.yaml", config), config);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (admin(p.adminPort(), "GET", "/readyz", null, null).statusCode() != 200) {
            assertThat(System.nanoTime()).as("B ready").isLessThan(deadline);
            Thread.sleep(50);
        }
        return p;
    }

    private String bobToken() throws InterruptedException {
        String t = h.token("bob@example.com", Map.of("uid", "00u-bob", "groups", List.of("orders-admins")));
        // The event must be later than the token's iat (whole seconds) to concern it.
        Instant issued = Instant.now();
        while (Instant.now().getEpochSecond() <= issued.getEpochSecond()) {
            Thread.sleep(20);
        }
        return t;
    }

    private HttpResponse<String> get(int port, String path, String token) throws Exception {
        return h.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> admin(int port, String method, String path, String auth, String body)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            r.header("Authorization", auth);
        }
        return h.http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls {@code GET path} on {@code port} until it is refused; the refusal and how long it took. */
    private HttpResponse<String> refusedWithinBound(int port, String path, String token, long since)
            throws Exception {
        HttpResponse<String> res = get(port, path, token);
        while (res.statusCode() != 403 && System.nanoTime() - since < BOUND.toNanos()) {
            Thread.sleep(20);
            res = get(port, path, token);
        }
        assertThat(res.statusCode()).as("refused within %s: %s", BOUND, res.body()).isEqualTo(403);
        return res;
    }

    private void assertServed(int port, String path, String token) throws Exception {
        h.upstream.clear();
        assertThat(get(port, path, token).statusCode()).isEqualTo(200);
        assertThat(h.upstream.take().target()).isEqualTo(path);
    }

    private void deliverRemovalTo(int port) throws Exception {
        String event = "{\"uuid\":\"" + UUID.randomUUID() + "\",\"published\":\"" + Instant.now()
                + "\",\"eventType\":\"group.user_membership.remove\",\"target\":["
                + "{\"id\":\"00u-bob\",\"type\":\"User\",\"alternateId\":\"bob@example.com\"},"
                + "{\"id\":\"00g-admins\",\"type\":\"UserGroup\",\"displayName\":\"orders-admins\"}]}";
        String delivery = "{\"eventType\":\"com.okta.event_hook\",\"eventTypeVersion\":\"1.0\","
                + "\"cloudEventsVersion\":\"0.1\",\"eventId\":\"d1\",\"data\":{\"events\":[" + event + "]}}";
        HttpResponse<String> res = h.http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/.portcullis/okta/events")).timeout(Duration.ofSeconds(10))
                .header("Authorization", SECRET).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(delivery)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isBetween(200, 204);
    }

    @Test
    void aRemovalDeliveredToARefusesTheUsersNextRequestOnB() throws Exception {
        String bob = bobToken();
        assertServed(b.port(), "/orders/1", bob);

        long delivered = System.nanoTime();
        deliverRemovalTo(h.port());

        HttpResponse<String> res = refusedWithinBound(b.port(), "/orders/2", bob, delivered);
        assertThat(res.body()).contains("membership_revoked");
        h.upstream.clear();
        assertThat(get(b.port(), "/orders/3", bob).statusCode()).isEqualTo(403);
        assertThat(get(h.port(), "/orders/3", bob).statusCode()).isEqualTo(403);
        assertThat(h.upstream.poll()).as("the upstream received nothing of the refused requests").isNull();
        assertThat(metricOnB("portcullis_fleet_events_total", "source=\"received\"")).isEqualTo(1.0);
        assertThat(PromText.sum(admin(h.proxy().adminPort(), "GET", "/metrics", null, null).body(),
                "portcullis_fleet_events_total", "source=\"published\"")).isEqualTo(1.0);
    }

    /** A counter on B once it is positive (counted just after the event is applied), or as it is after 5 s. */
    private double metricOnB(String name, String label) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        double v = PromText.sum(admin(b.adminPort(), "GET", "/metrics", null, null).body(), name, label);
        while (v == 0 && System.nanoTime() < deadline) {
            Thread.sleep(25);
            v = PromText.sum(admin(b.adminPort(), "GET", "/metrics", null, null).body(), name, label);
        }
        return v;
    }

    @Test
    void anOperatorRevocationOnBRefusesOnA() throws Exception {
        String bob = bobToken();
        assertServed(h.port(), "/orders/4", bob);

        long posted = System.nanoTime();
        HttpResponse<String> revoked = admin(b.adminPort(), "POST", "/admin/revocations", "Bearer " + ADMIN_TOKEN,
                "{\"sub\":\"bob@example.com\",\"reason\":\"laptop stolen\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(200);

        HttpResponse<String> res = refusedWithinBound(h.port(), "/orders/5", bob, posted);
        assertThat(res.body()).contains("operator_revoked");
    }

    @Test
    void anInstanceStartedAfterTheEventRefusesToo() throws Exception {
        String bob = bobToken();
        assertServed(b.port(), "/orders/6", bob);
        b.close();

        deliverRemovalTo(h.port());
        refusedWithinBound(h.port(), "/orders/7", bob, System.nanoTime());
        b = startInstance();

        HttpResponse<String> res = refusedWithinBound(b.port(), "/orders/8", bob, System.nanoTime());
        assertThat(res.body()).contains("membership_revoked");
    }
}
