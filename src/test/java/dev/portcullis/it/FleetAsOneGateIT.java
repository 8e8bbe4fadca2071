package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.fleet.Fleet;
import dev.portcullis.fleet.Load;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The issue's scale-out run: three real instances behind HAProxy (round robin), one Redis, a steady
 * bearer load all along. Meanwhile a browser signs in through HAProxy, an Okta Event Hook delivery
 * goes to the first instance, a prober spreads bad tokens over the fleet through HAProxy, and the
 * third instance is drained and restarted. The result: no request of the load fails; the event is
 * enforced on all three within a second; the session is served by all three with one refresh for 30
 * requests spread over them; the prober is refused on every instance once its total crosses the
 * threshold, though no instance alone saw that many.
 */
class FleetAsOneGateIT {
    private static final int INSTANCES = 3;
    private static final String HOOK_SECRET = "fleet-hook-secret-value";
    /** The prober's address, as a trusted proxy in front of HAProxy forwards it. */
    private static final String PROBER = "198.51.100.23";
    private static final int THRESHOLD = 9;
    /** The browser's access tokens live 20 s: refreshed once less than 10 s are left (half the lifetime). */
    private static final int SESSION_TOKEN_SECONDS = 20;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private String extraConfig() throws Exception {
        Path secret = dir.resolve("hook-secret");
        Files.writeString(secret, HOOK_SECRET + "\n");
        return """
                okta:
                  event_hook:
                    secret_header: Authorization
                    secret_file: %s
                detection:
                  client_threshold: %d
                  block: { enabled: true, cooldown: 1m }
                """.formatted(secret, THRESHOLD);
    }

    @Test
    void underSteadyLoadTheFleetActsAsOneGate() throws Exception {
        try (Fleet fleet = Fleet.start(INSTANCES, extraConfig())) {
            String reader = fleet.token("load@example.com", List.of("orders-readers"));
            String bob = bobToken(fleet);
            for (Fleet.Instance in : fleet.instances()) {
                assertThat(get(in.port, "/orders/bob", bob, null).statusCode()).as("bob before, on %s", in.name)
                        .isEqualTo(200);
            }
            String session = signInThroughTheLoadBalancer(fleet);
            long signedInAt = System.currentTimeMillis();
            Load load = Load.start(fleet.url(), n -> "/orders/" + n, reader, 200, 4, 120, Duration.ofSeconds(80));
            load.awaitMore(200);

            // An event delivered to the first instance is enforced by all three within a second.
            Instant delivered = deliverRemoval(fleet.instance(0).port);
            List<Long> enforcedAfterMillis = new ArrayList<>();
            for (Fleet.Instance in : fleet.instances()) {
                enforcedAfterMillis.add(refusedAfterMillis(in, bob, delivered));
            }
            System.out.println("FleetAsOneGateIT: event enforced after (ms, per instance) " + enforcedAfterMillis);
            assertThat(enforcedAfterMillis).as("ms from the hook's answer to each instance's first refusal")
                    .allSatisfy(ms -> assertThat(ms).isLessThan(1_000));

            // A prober spread over the fleet by round robin: THRESHOLD - 1 bad tokens, at most a third on
            // any instance, are not enough; the fleet's total reaching THRESHOLD blocks it everywhere.
            for (int i = 0; i < THRESHOLD; i++) {
                assertThat(get(fleet.haproxy().port(), "/orders/p" + i, "not-a-token", PROBER).statusCode())
                        .as("probe %d", i).isEqualTo(401);
            }
            for (Fleet.Instance in : fleet.instances()) {
                HttpResponse<String> blocked = awaitBlocked(in, reader);
                assertThat(blocked.body()).contains("\"reason\":\"source_blocked\"");
                double seen = PromText.sum(fleet.metrics(fleet.instances().indexOf(in)), "portcullis_requests_total",
                        "reason=\"token_malformed\"");
                assertThat(seen).as("denials %s saw itself", in.name).isLessThan(THRESHOLD);
            }

            // The session, due for refresh, is served by all three: 30 requests spread over them, one refresh.
            long due = signedInAt + TimeUnit.SECONDS.toMillis(SESSION_TOKEN_SECONDS / 2 + 1);
            Thread.sleep(Math.max(0, due - System.currentTimeMillis()));
            tokenRequests(fleet);
            List<CompletableFuture<HttpResponse<String>>> page = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                page.add(http.sendAsync(sessionRequest(fleet.instance(i % INSTANCES).port, "/app/page/" + i, session),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> r : page) {
                HttpResponse<String> res = r.get(30, TimeUnit.SECONDS);
                assertThat(res.statusCode()).as("a page request on %s: %s", res.uri(), res.body()).isEqualTo(200);
            }
            int calls = tokenRequests(fleet);
            assertThat(calls).as("token endpoint calls for 30 requests over three instances (%s)", refreshes(fleet))
                    .isEqualTo(1);

            // The third instance is drained and restarted mid-run; it knows the event and the block.
            fleet.drainAndRestart(2);
            Fleet.Instance third = fleet.instance(2);
            assertThat(refusedAfterMillis(third, bob, Instant.now())).as("the restarted instance refuses bob")
                    .isLessThan(10_000);
            assertThat(awaitBlocked(third, reader).statusCode()).isEqualTo(429);
            HttpResponse<String> onRestarted = http.send(sessionRequest(third.port, "/app/after", session),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(onRestarted.statusCode()).as("the session on the restarted instance: %s", onRestarted.body())
                    .isEqualTo(200);
            load.awaitMore(200);

            Load.Result result = load.stop();
            assertThat(result.failures()).as(result.summary()).isEmpty();
            assertThat(get(fleet.haproxy().port(), "/orders/other", reader, "198.51.100.99").statusCode())
                    .as("another client behind the same load balancer is served").isEqualTo(200);
        }
    }

    /** A browser signs in through HAProxy (start and callback may land on different instances); its session id. */
    private static String signInThroughTheLoadBalancer(Fleet fleet) throws Exception {
        fleet.issuer.enqueueCallback(new DefaultOAuth2TokenCallback("default", "erin", "JWT", List.of(Fleet.AUDIENCE),
                Map.of("groups", List.of("engineering")), SESSION_TOKEN_SECONDS));
        Browser b = new Browser(fleet.haproxy().port());
        String auth = SignInIT.startSignIn(b, "/app/start");
        HttpResponse<String> done = b.get(SignInIT.callbackPath(SignInIT.authorize(b, auth)));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
        assertThat(b.cookies).containsKey("portcullis");
        return b.cookies.get("portcullis");
    }

    private static HttpRequest sessionRequest(int port, String path, String session) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .header("Cookie", "portcullis=" + session).header("Sec-Fetch-Mode", "cors")
                .header("Sec-Fetch-Site", "same-origin").GET().build();
    }

    /** Token endpoint calls the issuer received since the last call (it records every request). */
    /** Per instance: its session refreshes by outcome and its failed Redis calls, to explain a count that is off. */
    private static String refreshes(Fleet fleet) throws Exception {
        List<String> per = new ArrayList<>();
        for (int i = 0; i < INSTANCES; i++) {
            String m = fleet.metrics(i);
            per.add(fleet.instance(i).name + ": refreshed " + PromText.sum(m, "portcullis_session_refreshes_total",
                    "outcome=\"refreshed\"") + ", all outcomes " + PromText.sum(m, "portcullis_session_refreshes_total")
                    + ", Redis calls failed " + PromText.sum(m, "portcullis_shared_state_errors_total"));
        }
        return String.join("; ", per);
    }

    private static int tokenRequests(Fleet fleet) {
        int n = 0;
        while (true) {
            RecordedRequest r;
            try {
                r = fleet.issuer.takeRequest(300, TimeUnit.MILLISECONDS);
            } catch (RuntimeException none) {
                return n; // "no request found in queue within timeout"
            }
            n += r.getPath() != null && r.getPath().endsWith("/token") ? 1 : 0;
        }
    }

    private static String bobToken(Fleet fleet) throws InterruptedException {
        String t = fleet.issuer.issueToken("default", "bob@example.com", Fleet.AUDIENCE,
                Map.of("uid", "00u-bob", "groups", List.of("orders-readers")), 300).serialize();
        Instant issued = Instant.now(); // the event must be published after the token's iat (seconds)
        while (Instant.now().getEpochSecond() <= issued.getEpochSecond()) {
            Thread.sleep(20);
        }
        return t;
    }

    private HttpResponse<String> get(int port, String path, String token, String forwardedFor) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Bearer " + token);
        if (forwardedFor != null) {
            r.header("X-Forwarded-For", forwardedFor);
        }
        return http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Delivers a removal of bob from orders-readers to the instance on {@code port}; returns when it answered. */
    private Instant deliverRemoval(int port) throws Exception {
        String event = "{\"uuid\":\"" + UUID.randomUUID() + "\",\"published\":\"" + Instant.now()
                + "\",\"eventType\":\"group.user_membership.remove\",\"target\":["
                + "{\"id\":\"00u-bob\",\"type\":\"User\",\"alternateId\":\"bob@example.com\"},"
                + "{\"id\":\"00g-readers\",\"type\":\"UserGroup\",\"displayName\":\"orders-readers\"}]}";
        String delivery = "{\"eventType\":\"com.okta.event_hook\",\"eventTypeVersion\":\"1.0\","
                + "\"cloudEventsVersion\":\"0.1\",\"eventId\":\"d1\",\"data\":{\"events\":[" + event + "]}}";
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/.portcullis/okta/events")).timeout(Duration.ofSeconds(10))
                .header("Authorization", HOOK_SECRET).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(delivery)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isBetween(200, 204);
        return Instant.now();
    }

    /** Polls instance {@code in} with bob's token until it is refused (up to 10 s); ms since {@code since}. */
    private long refusedAfterMillis(Fleet.Instance in, String bob, Instant since) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> res = get(in.port, "/orders/bob", bob, null);
        while (res.statusCode() != 403 && System.nanoTime() < deadline) {
            Thread.sleep(10);
            res = get(in.port, "/orders/bob", bob, null);
        }
        assertThat(res.statusCode()).as("%s refuses bob: %s", in.name, res.body()).isEqualTo(403);
        assertThat(res.body()).contains("membership_revoked");
        return Duration.between(since, Instant.now()).toMillis();
    }

    /**
     * Polls instance {@code in} directly, as the prober, with a request that is allowed (a valid token:
     * not counted, so the polling itself cannot trip the threshold) until it is blocked (up to 10 s).
     */
    private HttpResponse<String> awaitBlocked(Fleet.Instance in, String token) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + in.port + "/orders/blocked"))
                    .timeout(Duration.ofSeconds(10)).header("X-Forwarded-For", PROBER)
                    .header("Authorization", "Bearer " + token).build();
            HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
            if (res.statusCode() == 429) {
                return res;
            }
            assertThat(res.statusCode()).as("%s serves the prober's allowed request before the block", in.name)
                    .isEqualTo(200);
            assertThat(System.nanoTime()).as("%s blocks the prober within 10 s (last %s)", in.name, res.statusCode())
                    .isLessThan(deadline);
            Thread.sleep(25);
        }
    }
}
