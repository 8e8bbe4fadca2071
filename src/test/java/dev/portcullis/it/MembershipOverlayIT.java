package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.membership.DirectoryEvent;
import dev.portcullis.membership.DirectoryEvent.Type;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The membership overlay end to end, over real sockets: tokens from {@code mock-oauth2-server}
 * with a {@code uid} claim, the real proxy, a recording upstream. A directory event (as the Event
 * Hook's queue hands it to the overlay's applier) or an operator's revocation (the admin endpoint)
 * takes access from a token already issued, on its next request.
 */
class MembershipOverlayIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_TOKEN = "s3cret-admin-token-0123456789abcdef";
    static Harness h;
    static Path tokenFile;
    private AuditCapture audit;

    @BeforeAll
    static void start() throws Exception {
        tokenFile = Files.createTempFile("admin-token", "");
        Files.writeString(tokenFile, ADMIN_TOKEN + "\n");
        h = new Harness().start(Harness.defaultConfig().replace("admin: { listen: 127.0.0.1:0 }",
                "admin: { listen: 127.0.0.1:0, token_file: " + tokenFile + " }"));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        Files.deleteIfExists(tokenFile);
    }

    @BeforeEach
    void capture() {
        audit = new AuditCapture();
    }

    @AfterEach
    void release() {
        audit.close();
    }

    private static String token(String uid, String sub, String... groups) {
        return h.token(sub, Map.of("uid", uid, "groups", List.of(groups)));
    }

    private static DirectoryEvent event(Type type, String uid, String login, String groupId, String group) {
        return new DirectoryEvent(UUID.randomUUID().toString(), type, Instant.now(), uid, login, groupId, group, null);
    }

    /** The status of {@code method path} once it is {@code expected}, asking for up to one second. */
    private static HttpResponse<String> within1s(String method, String path, String token, int expected)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        HttpResponse<String> res = h.send(method, path, token, null);
        while (res.statusCode() != expected && System.nanoTime() < deadline) {
            Thread.sleep(20);
            res = h.send(method, path, token, null);
        }
        return res;
    }

    /** Waits until the wall clock is in a later second than {@code t}: a token's iat has whole seconds. */
    private static void nextSecondAfter(Instant t) throws InterruptedException {
        while (Instant.now().getEpochSecond() <= t.getEpochSecond()) {
            Thread.sleep(20);
        }
    }

    @Test
    void aRemovalTakesTheGroupFromTheSameTokenAtOnce() throws Exception {
        String bob = token("00u-bob", "bob@example.com", "orders-readers", "orders-admins");
        assertThat(h.send("DELETE", "/orders/1", bob, null).statusCode()).isEqualTo(200);
        assertThat(h.upstream.take().method()).isEqualTo("DELETE");

        DirectoryEvent removal = event(Type.MEMBERSHIP_REMOVE, "00u-bob", "bob@example.com", "00g-admins",
                "orders-admins");
        h.proxy().membershipApplier().apply(removal);

        HttpResponse<String> res = within1s("DELETE", "/orders/2", bob, 403);
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("membership_revoked");
        JsonNode line = audit.await(l -> "/orders/2".equals(l.path("path").asText()));
        assertThat(line.path("reason").asText()).isEqualTo("membership_revoked");
        assertThat(line.path("directory_event").asText()).isEqualTo(removal.uuid());
        // A read is still allowed, and the upstream no longer sees the group taken away.
        assertThat(h.get("/orders/3", bob).statusCode()).isEqualTo(200);
        RecordingUpstream.Received got = h.upstream.take();
        assertThat(got.target()).isEqualTo("/orders/3");
        assertThat(got.header("X-Auth-Groups")).isEqualTo("orders-readers");
    }

    @Test
    void aDeactivationRefusesEveryEarlierTokenAndATokenAfterTheReAddIsAllowed() throws Exception {
        String first = token("00u-dan", "dan@example.com", "orders-admins");
        String second = token("00u-dan", "dan@example.com", "orders-readers");
        assertThat(h.get("/orders/10", first).statusCode()).isEqualTo(200);
        h.upstream.take();
        nextSecondAfter(Instant.now());

        DirectoryEvent off = event(Type.USER_DEACTIVATE, "00u-dan", "dan@example.com", null, null);
        h.proxy().membershipApplier().apply(off);
        for (String t : List.of(first, second)) {
            HttpResponse<String> res = within1s("GET", "/orders/11", t, 403);
            assertThat(res.statusCode()).isEqualTo(403);
            assertThat(res.body()).contains("user_deactivated");
        }
        JsonNode line = audit.await(l -> "user_deactivated".equals(l.path("reason").asText()));
        assertThat(line.path("directory_event").asText()).isEqualTo(off.uuid());
        assertThat(line.path("subject").asText()).isEqualTo("dan@example.com");

        h.proxy().membershipApplier().apply(event(Type.USER_ACTIVATE, "00u-dan", "dan@example.com", null, null));
        h.proxy().membershipApplier().apply(event(Type.MEMBERSHIP_ADD, "00u-dan", "dan@example.com", "00g-admins",
                "orders-admins"));
        assertThat(h.get("/orders/12", first).statusCode()).as("activation gives nothing back").isEqualTo(403);
        nextSecondAfter(off.published());
        String fresh = token("00u-dan", "dan@example.com", "orders-admins");
        assertThat(h.send("DELETE", "/orders/13", fresh, null).statusCode()).isEqualTo(200);
        assertThat(h.upstream.take().target()).isEqualTo("/orders/13");
    }

    @Test
    void anOperatorRevocationRefusesTheTokenAndIsListed() throws Exception {
        String erin = token("00u-erin", "erin", "orders-readers");
        assertThat(h.get("/orders/20", erin).statusCode()).isEqualTo(200);
        h.upstream.take();

        HttpResponse<String> posted = admin("POST", "{\"sub\":\"erin\",\"reason\":\"laptop stolen\"}",
                "Bearer " + ADMIN_TOKEN);
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        String uuid = JSON.readTree(posted.body()).path("event").asText();

        HttpResponse<String> res = within1s("GET", "/orders/21", erin, 403);
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("operator_revoked");
        assertThat(audit.await(l -> "/orders/21".equals(l.path("path").asText())).path("directory_event").asText())
                .isEqualTo(uuid);

        HttpResponse<String> listed = admin("GET", null, "Bearer " + ADMIN_TOKEN);
        assertThat(listed.statusCode()).isEqualTo(200);
        assertThat(listed.body()).contains(uuid).contains("sub:erin").contains("laptop stolen");
        assertThat(h.metricsOnce("portcullis_overlay_events_applied_total{type=\"operator.revoke\"}"))
                .contains("portcullis_overlay_entries");
    }

    static Stream<Arguments> adminRefusals() {
        String good = "Bearer " + ADMIN_TOKEN;
        return Stream.of(
                Arguments.of("POST", "{\"sub\":\"x\"}", null, 401),
                Arguments.of("POST", "{\"sub\":\"x\"}", "Bearer wrong-token-0123456789abcdef", 401),
                Arguments.of("POST", "{\"sub\":\"x\"}", "Bearer " + ADMIN_TOKEN + "x", 401),
                Arguments.of("POST", "{\"sub\":\"x\"}", "Basic " + ADMIN_TOKEN, 401),
                Arguments.of("POST", "{\"sub\":\"x\"}", "Bearer", 401),
                Arguments.of("GET", null, null, 401),
                Arguments.of("GET", null, "Bearer nope", 401),
                Arguments.of("POST", "not json", good, 400),
                Arguments.of("POST", "[1]", good, 400),
                Arguments.of("POST", "{}", good, 400),
                Arguments.of("POST", "{\"group\":\"orders-admins\"}", good, 400),
                Arguments.of("POST", "{\"sub\":\"x\",\"admin\":true}", good, 400),
                Arguments.of("POST", "{\"sub\":7}", good, 400),
                Arguments.of("POST", "{\"sub\":\"\"}", good, 400),
                Arguments.of("POST", "{\"sub\":\"" + "a".repeat(257) + "\"}", good, 400),
                Arguments.of("PUT", "{\"sub\":\"x\"}", good, 405),
                Arguments.of("DELETE", null, good, 405));
    }

    @ParameterizedTest(name = "{0} {1} [{2}] -> {3}")
    @MethodSource("adminRefusals")
    void theRevocationEndpointRefusesWhatItShould(String method, String body, String auth, int status)
            throws Exception {
        HttpResponse<String> res = admin(method, body, auth);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(status);
        assertThat(res.body()).doesNotContain("Exception");
        if (status == 401) {
            assertThat(res.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"portcullis-admin\"");
        }
    }

    @Test
    void twoAuthorizationHeadersAreRefused() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.proxy().adminPort()
                + "/admin/revocations")).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"sub\":\"x\"}")).build();
        assertThat(h.http.send(req, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
    }

    @Test
    void withoutATokenFileThereIsNoRevocationEndpointAndNoOverlay() throws Exception {
        try (Harness plain = new Harness().start()) {
            assertThat(plain.proxy().membershipApplier()).isNull();
            HttpResponse<String> get = plain.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + plain.proxy().adminPort() + "/admin/revocations")).header("Authorization", "Bearer "
                    + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(get.statusCode()).isEqualTo(404);
        }
    }

    static HttpResponse<String> admin(String method, String body, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.proxy().adminPort()
                + "/admin/revocations")).timeout(Duration.ofSeconds(5))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return h.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
