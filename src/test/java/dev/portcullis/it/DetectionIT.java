package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Intrusion detection through the real proxy: a client that keeps being refused is blocked before
 * authentication (429, Retry-After, nothing forwarded), a subject that keeps being refused is
 * blocked from any address, and both show in the metrics.
 */
class DetectionIT {
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness().start(Harness.defaultConfig() + """
                detection:
                  client_threshold: 3
                  subject_threshold: 2
                  block: { enabled: true, cooldown: 1m }
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @Test
    void aClientThatKeepsBeingRefusedIsBlockedBeforeAuthentication() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(h.get("/orders/" + i, null).statusCode()).isEqualTo(401);
        }
        HttpResponse<String> blocked = h.get("/public/x", null);
        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(blocked.body()).contains("\"reason\":\"source_blocked\"");
        assertThat(blocked.headers().firstValue("Retry-After")).hasValueSatisfying(v ->
                assertThat(Integer.parseInt(v)).isBetween(1, 60));
        assertThat(h.upstream.poll()).isNull();
        String metrics = h.metrics();
        assertThat(metrics).contains("portcullis_intrusion_events_total{kind=\"threshold_client\"} 1");
        assertThat(metrics).contains("portcullis_blocked_sources 1");
    }
}
