package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The detection: block, read with its defaults, and its mistakes reported where they are. */
class DetectionConfigReaderTest {
    private static final String BASE = """
            issuers:
              - id: dev
                issuer: https://issuer.example.com
                audiences: [api]
            routes:
              - id: r
                match: { path: /r/** }
                upstream: http://127.0.0.1:9001
                allow: [ { groups_any: [g] } ]
            """;

    @Test
    void defaultsWhenAbsent() throws Exception {
        assertThat(new ConfigReader(Map.of()).read("t.yaml", BASE).detection()).isEqualTo(DetectionConfig.defaults());
    }

    @Test
    void readsEveryKey() throws Exception {
        DetectionConfig d = new ConfigReader(Map.of("TOK", "s3cr3t")).read("t.yaml", BASE + """
                detection:
                  enabled: true
                  window: 30s
                  client_threshold: 10
                  subject_threshold: 0
                  instant_reasons: [signature_invalid]
                  max_tracked_sources: 5000
                  block: { enabled: true, cooldown: 5m, status: 403 }
                  webhook:
                    url: https://hooks.example.com/p
                    headers: { Authorization: "Bearer ${TOK}" }
                    timeout: 2s
                    max_attempts: 3
                    initial_backoff: 500ms
                    max_backoff: 30s
                    queue_capacity: 10
                """).detection();
        assertThat(d.window()).isEqualTo(Duration.ofSeconds(30));
        assertThat(d.clientThreshold()).isEqualTo(10);
        assertThat(d.subjectThreshold()).isZero();
        assertThat(d.block().status()).isEqualTo(403);
        assertThat(d.webhook().headers()).containsEntry("Authorization", "Bearer s3cr3t");
        assertThat(d.webhook().initialBackoff()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void mistakesAreReportedWithTheirLines() {
        assertThatThrownBy(() -> new ConfigReader(Map.of()).read("t.yaml", BASE + """
                detection:
                  instant_reasons: [signature_invalid, forged]
                  block: { status: 500, colldown: 5m }
                  webhook: { url: "http://hooks.example.com/x" }
                """)).isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                .extracting(ConfigError::line).containsExactlyInAnyOrder(11, 12, 12, 13));
    }
}
