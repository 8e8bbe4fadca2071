package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.demo.DevIssuer;
import dev.portcullis.demo.DevUsers;
import dev.portcullis.demo.DirectoryOptions;
import dev.portcullis.demo.EventHookTarget;
import dev.portcullis.demo.UserSpec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The dev issuer playing Okta's directory over real sockets, with a plain Java HTTP client: the
 * admin call that changes a membership delivers Okta's exact Event Hook (verification first, the
 * secret header, the envelope) to a recording receiver, and the management API pages, rate-limits
 * and authenticates like Okta's.
 */
class DevDirectoryIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String SECRET = "hook-secret-" + UUID.randomUUID();
    private DevIssuer dev;
    private HookReceiver receiver;

    @BeforeEach
    void start() throws IOException {
        receiver = new HookReceiver();
        dev = DevIssuer.start(0, Duration.ofMinutes(5), DevUsers.demo(), new DirectoryOptions("api-token", 1000));
        dev.eventHook(new EventHookTarget(receiver.url(), "Authorization", SECRET));
    }

    @AfterEach
    void stop() {
        dev.close();
        receiver.close();
    }

    @Test
    void removingBobFromOrdersAdminsDeliversOktasEnvelopeWithTheSecretAfterTheVerification() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        HttpResponse<String> admin = membership("{\"user\":\"bob\",\"group\":\"orders-admins\",\"action\":\"remove\"}");

        assertThat(admin.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(admin.body());
        assertThat(answer.path("hook").path("status").asInt()).isEqualTo(204);
        assertThat(answer.path("hook").path("verification").path("verified").asBoolean()).isTrue();
        assertThat(receiver.received).extracting(HookReceiver.Request::method).containsExactly("GET", "POST");
        HookReceiver.Request verification = receiver.received.get(0);
        assertThat(verification.header("X-Okta-Verification-Challenge")).isNotBlank();
        assertThat(verification.header("Authorization")).isEqualTo(SECRET);
        HookReceiver.Request post = receiver.received.get(1);
        assertThat(post.header("Authorization")).isEqualTo(SECRET);
        assertThat(post.header("Content-Type")).isEqualTo("application/json");

        JsonNode envelope = JSON.readTree(post.body());
        assertThat(envelope).as("what was delivered is what the admin call reports").isEqualTo(answer.path("delivered"));
        assertThat(envelope.path("eventType").asText()).isEqualTo("com.okta.event_hook");
        assertThat(envelope.path("eventTypeVersion").asText()).isEqualTo("1.0");
        assertThat(envelope.path("cloudEventsVersion").asText()).isEqualTo("0.1");
        assertThat(envelope.path("source").asText()).startsWith(dev.orgUrl() + "/api/v1/eventHooks/who");
        UUID.fromString(envelope.path("eventId").asText());
        assertThat(envelope.path("data").path("events")).hasSize(1);
        JsonNode event = envelope.path("data").path("events").get(0);
        UUID.fromString(event.path("uuid").asText());
        assertThat(event.path("uuid").asText()).isNotEqualTo(envelope.path("eventId").asText());
        assertThat(Instant.parse(event.path("published").asText())).isBetween(before, Instant.now().plusSeconds(1));
        assertThat(event.path("eventType").asText()).isEqualTo("group.user_membership.remove");
        assertThat(event.path("outcome").path("result").asText()).isEqualTo("SUCCESS");
        assertThat(event.path("target").toString()).isEqualTo("[{\"id\":\"" + dev.userId("bob")
                + "\",\"type\":\"User\",\"alternateId\":\"bob@example.com\",\"displayName\":\"Bob\"},{\"id\":\""
                + DevIssuer.groupId("orders-admins") + "\",\"type\":\"UserGroup\",\"alternateId\":\"unknown\","
                + "\"displayName\":\"orders-admins\"}]");

        // The directory changed: the API and new tokens say so, and the token's uid is the event's user id.
        assertThat(groupNames(api("/api/v1/users/" + dev.userId("bob") + "/groups"))).doesNotContain("orders-admins")
                .contains("orders-readers");
        SignedJWT token = SignedJWT.parse(get(dev.issuer() + "/v1/dev/token?user=bob").body().strip());
        assertThat(token.getJWTClaimsSet().getStringListClaim("groups")).doesNotContain("orders-admins");
        assertThat(token.getJWTClaimsSet().getStringClaim("uid")).isEqualTo(dev.userId("bob"));
    }

    @Test
    void theNextChangeIsDeliveredWithoutASecondVerificationAndAnUnchangedOneIsNotDelivered() throws Exception {
        membership("{\"user\":\"bob\",\"group\":\"orders-admins\",\"action\":\"remove\"}");
        HttpResponse<String> again = membership("{\"user\":\"bob\",\"group\":\"orders-admins\",\"action\":\"remove\"}");
        HttpResponse<String> add = membership("{\"user\":\"alice\",\"group\":\"orders-admins\",\"action\":\"add\"}");

        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(add.statusCode()).isEqualTo(200);
        assertThat(receiver.received).extracting(HookReceiver.Request::method).containsExactly("GET", "POST", "POST");
        JsonNode event = JSON.readTree(receiver.posts().get(1).body()).path("data").path("events").get(0);
        assertThat(event.path("eventType").asText()).isEqualTo("group.user_membership.add");
        assertThat(event.path("target").get(0).path("id").asText()).isEqualTo(dev.userId("alice"));
        assertThat(SignedJWT.parse(get(dev.issuer() + "/v1/dev/token?user=alice").body().strip()).getJWTClaimsSet()
                .getStringListClaim("groups")).contains("orders-admins");
    }

    @Test
    void deactivatingAUserDeliversTheLifecycleEventAndStopsItsTokens() throws Exception {
        HttpResponse<String> admin = membership("{\"user\":\"bob\",\"action\":\"deactivate\"}");

        assertThat(admin.statusCode()).isEqualTo(200);
        JsonNode event = JSON.readTree(receiver.posts().get(0).body()).path("data").path("events").get(0);
        assertThat(event.path("eventType").asText()).isEqualTo("user.lifecycle.deactivate");
        assertThat(event.path("target")).hasSize(1);
        assertThat(event.path("target").get(0).path("type").asText()).isEqualTo("User");
        assertThat(JSON.readTree(api("/api/v1/users/bob").body()).path("status").asText()).isEqualTo("DEPROVISIONED");
        assertThat(get(dev.issuer() + "/v1/dev/token?user=bob").statusCode()).isEqualTo(400);
        assertThat(send(HttpRequest.newBuilder(URI.create(dev.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&username=bob&password=bob")))
                .statusCode()).isEqualTo(400);
    }

    @Test
    void endingASessionIsDeliveredEveryTimeAndChangesNothingElse() throws Exception {
        assertThat(membership("{\"user\":\"alice\",\"action\":\"end_session\"}").statusCode()).isEqualTo(200);
        assertThat(membership("{\"user\":\"alice\",\"action\":\"end_session\"}").statusCode()).isEqualTo(200);

        assertThat(receiver.posts()).hasSize(2).allSatisfy(p -> assertThat(JSON.readTree(p.body()).path("data")
                .path("events").get(0).path("eventType").asText()).isEqualTo("user.session.end"));
        assertThat(get(dev.issuer() + "/v1/dev/token?user=alice").statusCode()).isEqualTo(200);
    }

    @Test
    void aFailingReceiverIsRetriedOnceAndAnUnreachableOneIsReported() throws Exception {
        receiver.postStatus = 500;
        JsonNode failed = JSON.readTree(membership("{\"user\":\"bob\",\"group\":\"orders-admins\",\"action\":\"remove\"}")
                .body());

        assertThat(failed.path("hook").path("status").asInt()).isEqualTo(500);
        assertThat(failed.path("hook").path("attempts").asInt()).isEqualTo(2);
        assertThat(receiver.posts()).hasSize(2);
        assertThat(receiver.posts().get(1).body()).isEqualTo(receiver.posts().get(0).body());

        receiver.close();
        HttpResponse<String> unreachable = membership("{\"user\":\"bob\",\"group\":\"orders-admins\",\"action\":\"add\"}");
        assertThat(unreachable.statusCode()).as("the change is made; the delivery's failure is reported").isEqualTo(200);
        assertThat(JSON.readTree(unreachable.body()).path("hook").path("error").asText()).isNotEmpty();
    }

    /** Five deliveries held by the receiver (more than the issuer's four threads) leave the issuer serving. */
    @Test
    void deliveriesDoNotHoldTheIssuersThreads() throws Exception {
        // A budget longer than the test, so that no delivery times out and frees a thread by itself.
        dev.eventHook(new EventHookTarget(receiver.url(), "Authorization", SECRET, Duration.ofSeconds(60)));
        membership("{\"user\":\"carol\",\"action\":\"suspend\"}"); // verified once, before the held ones
        CountDownLatch release = new CountDownLatch(1);
        receiver.hold = release;
        List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
        for (String group : List.of("Everyone", "orders-readers", "orders-admins")) {
            pending.add(membershipAsync("{\"user\":\"bob\",\"group\":\"" + group + "\",\"action\":\"remove\"}"));
        }
        for (String group : List.of("Everyone", "orders-readers")) {
            pending.add(membershipAsync("{\"user\":\"alice\",\"group\":\"" + group + "\",\"action\":\"remove\"}"));
        }
        receiver.awaitPosts(6);
        try {
            assertThat(receiver.posts()).hasSize(6);
            assertThat(get(dev.jwksUri()).statusCode()).isEqualTo(200);
            assertThat(pending).noneMatch(CompletableFuture::isDone);
        } finally {
            release.countDown();
        }
        for (CompletableFuture<HttpResponse<String>> p : pending) {
            assertThat(p.get().statusCode()).isEqualTo(200);
        }
    }

    @Test
    void theManagementApiPagesRateLimitsAndAuthenticatesLikeOkta() throws Exception {
        dev.close();
        String groups = String.join(",", IntStream.rangeClosed(1, 250).mapToObj(i -> "team-" + i).toList());
        dev = DevIssuer.start(0, Duration.ofMinutes(5), DevUsers.of(List.of(UserSpec.parse("ann:" + groups))),
                new DirectoryOptions("api-token", 4));

        assertThat(send(HttpRequest.newBuilder(URI.create(dev.orgUrl() + "/api/v1/users/ann/groups"))).statusCode())
                .as("no SSWS token").isEqualTo(401);
        List<String> names = new ArrayList<>();
        String next = dev.orgUrl() + "/api/v1/users/" + dev.userId("ann") + "/groups";
        int pages = 0;
        HttpResponse<String> page = null;
        while (next != null) {
            page = api(URI.create(next));
            assertThat(page.statusCode()).isEqualTo(200);
            names.addAll(groupNames(page));
            pages++;
            next = page.headers().firstValue("Link").map(l -> l.substring(1, l.indexOf('>'))).orElse(null);
        }
        assertThat(pages).isEqualTo(2);
        assertThat(names).hasSize(250).doesNotHaveDuplicates();
        assertThat(page.headers().firstValue("X-Rate-Limit-Limit")).hasValue("4");
        assertThat(page.headers().firstValue("X-Rate-Limit-Remaining")).hasValue("2");

        api("/api/v1/users/ann");
        api("/api/v1/users/ann");
        HttpResponse<String> limited = api("/api/v1/users/ann");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(limited.body()).path("errorCode").asText()).isEqualTo("E0000047");
        long reset = Long.parseLong(limited.headers().firstValue("X-Rate-Limit-Reset").orElseThrow());
        assertThat(reset).isGreaterThan(Instant.now().getEpochSecond()).isLessThanOrEqualTo(
                Instant.now().getEpochSecond() + 60);
        JsonNode found = JSON.readTree(api("/api/v1/groups?search=profile.name%20eq%20%22team-7%22").body());
        assertThat(found).hasSize(1);
        assertThat(found.get(0).path("id").asText()).isEqualTo(DevIssuer.groupId("team-7"));
    }

    private HttpResponse<String> membership(String json) throws Exception {
        return membershipAsync(json).get();
    }

    private CompletableFuture<HttpResponse<String>> membershipAsync(String json) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(dev.membershipEndpoint())).timeout(Duration.ofSeconds(40))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> api(String path) throws Exception {
        return api(URI.create(dev.orgUrl() + path));
    }

    private HttpResponse<String> api(URI uri) throws Exception {
        return send(HttpRequest.newBuilder(uri).header("Authorization", "SSWS api-token"));
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)));
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<String> groupNames(HttpResponse<String> response) throws IOException {
        List<String> names = new ArrayList<>();
        JSON.readTree(response.body()).forEach(g -> names.add(g.path("profile").path("name").asText()));
        return names;
    }
}
