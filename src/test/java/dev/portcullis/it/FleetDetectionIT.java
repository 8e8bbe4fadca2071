package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.shared.RedisServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Intrusion detection across a fleet, over real sockets: two proxies sharing one real
 * redis-server refuse a prober on BOTH once its denials across them cross the threshold, though
 * neither alone saw enough; and behind a trusted proxy the client counted is the one it forwards
 * for, so one prober does not get the load balancer (everyone) blocked.
 */
class FleetDetectionIT {
    private RedisServer redis;
    private Harness a;
    private Harness b;

    @AfterEach
    void stop() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    private static String config(String extra) {
        return Harness.defaultConfig() + """
                detection:
                  client_threshold: 6
                  block: { enabled: true, cooldown: 1m }
                """ + extra;
    }

    @Test
    void aProberAlternatingBetweenTwoInstancesIsRefusedByBothOnceItsTotalCrossesTheThreshold() throws Exception {
        redis = RedisServer.start();
        String shared = "shared_state:\n  redis:\n    uri: " + redis.uri() + "\n    key_prefix: \"it:\"\n"
                + "    timeout: 500ms\n";
        a = new Harness().start(config(shared));
        b = new Harness().start(config(shared));
        awaitSharedStateOk(a);
        awaitSharedStateOk(b);

        for (int i = 0; i < 6; i++) { // three bad tokens each: below 6 on either instance alone
            Harness h = i % 2 == 0 ? a : b;
            assertThat(h.get("/orders/" + i, "not-a-token").statusCode()).isEqualTo(401);
        }

        for (Harness h : new Harness[] {a, b}) {
            HttpResponse<String> refused = awaitStatus(h, 429);
            assertThat(refused.body()).contains("\"reason\":\"source_blocked\"");
            h.upstream.clear();
            assertThat(h.get("/public/after", null).statusCode()).isEqualTo(429);
            assertThat(h.upstream.poll()).as("nothing forwarded for a blocked prober").isNull();
        }
        String metrics = a.metrics() + b.metrics();
        assertThat(PromText.sum(metrics, "portcullis_intrusion_events_total")).as("one event fleet-wide")
                .isEqualTo(1.0);
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsCountedNotTheProxy() throws Exception {
        a = new Harness().start(config("trusted_proxies: [127.0.0.1/32]\n"));
        for (int i = 0; i < 6; i++) {
            assertThat(viaProxy(a, "/orders/" + i, "198.51.100.7", "not-a-token").statusCode()).isEqualTo(401);
        }
        assertThat(viaProxy(a, "/public/x", "198.51.100.7", null).statusCode()).isEqualTo(429);

        a.upstream.clear();
        assertThat(viaProxy(a, "/public/y", "198.51.100.8", null).statusCode())
                .as("another client behind the same proxy is served").isEqualTo(200);
        assertThat(a.upstream.take().target()).isEqualTo("/public/y");
        // A client cannot pose as someone else: only the entry the trusted proxy appended counts.
        assertThat(viaProxy(a, "/public/z", "192.0.2.1, 198.51.100.7", null).statusCode()).isEqualTo(429);
    }

    private static HttpResponse<String> viaProxy(Harness h, String path, String forwardedFor, String token)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + path))
                .timeout(Duration.ofSeconds(10)).header("X-Forwarded-For", forwardedFor);
        if (token != null) {
            r.header("Authorization", "Bearer " + token);
        }
        return h.http.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Polls with a request that is allowed (so not counted) until it is refused with {@code status}. */
    private static HttpResponse<String> awaitStatus(Harness h, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            HttpResponse<String> res = h.get("/public/probe", null);
            if (res.statusCode() == status) {
                return res;
            }
            assertThat(res.statusCode()).as("a public request before the block").isEqualTo(200);
            assertThat(System.nanoTime()).as("waited 30s for %s", status).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private static void awaitSharedStateOk(Harness h) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!new com.fasterxml.jackson.databind.ObjectMapper().readTree(h.admin("/readyz").body())
                .path("shared_state").path("status").asText().equals("ok")) {
            assertThat(System.nanoTime()).as("waited 30s for shared_state ok").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
