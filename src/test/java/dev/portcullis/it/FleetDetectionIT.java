package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Intrusion detection across a fleet, over real sockets: two proxies sharing one real
 * redis-server refuse a prober on BOTH once its denials across them cross the threshold, though
 * neither alone saw enough; and behind a trusted proxy the client counted is the one it forwards
 * for, so one prober does not get the load balancer (everyone) blocked.
 */
class FleetDetectionIT {
    private Harness a;

    @AfterEach
    void stop() throws Exception {
        if (a != null) {
            a.close();
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
}
