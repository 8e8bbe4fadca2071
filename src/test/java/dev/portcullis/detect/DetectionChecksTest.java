package dev.portcullis.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.config.DetectionChecks;
import dev.portcullis.config.DetectionConfig.BlockConfig;
import dev.portcullis.config.DetectionConfig.WebhookConfig;
import dev.portcullis.config.DetectionConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each check on its own: the defaults pass, one bad value gives one problem at its key. */
class DetectionChecksTest {

    @Test
    void theDefaultsAreValid() {
        assertThat(DetectionChecks.check(DetectionConfig.defaults())).isEmpty();
    }

    @Test
    void aGoodWebhookIsValid() {
        assertThat(DetectionChecks.check(withWebhook(w -> new WebhookConfig("https://hooks.example.com/x",
                Map.of("Authorization", "Bearer s3cr3t"), w.timeout(), w.maxAttempts(), w.initialBackoff(),
                w.maxBackoff(), w.queueCapacity())))).isEmpty();
    }

    static Stream<Arguments> badConfigs() {
        DetectionConfig d = DetectionConfig.defaults();
        return Stream.of(
                arguments("window", new DetectionConfig(true, Duration.ofMillis(500), 20, 20, d.instantReasons(),
                        100_000, d.block(), d.webhook())),
                arguments("client_threshold", new DetectionConfig(true, d.window(), -1, 20, d.instantReasons(),
                        100_000, d.block(), d.webhook())),
                arguments("max_tracked_sources", new DetectionConfig(true, d.window(), 20, 20, d.instantReasons(),
                        10, d.block(), d.webhook())),
                arguments("instant_reasons/1", Configs.withInstant(d, List.of("signature_invalid", "signature_bad"))),
                arguments("instant_reasons/0", Configs.withInstant(d, List.of("allowed"))),
                arguments("instant_reasons/0", Configs.withInstant(d, List.of("upstream_error"))),
                arguments("block/status", new DetectionConfig(true, d.window(), 20, 20, d.instantReasons(), 100_000,
                        new BlockConfig(true, Duration.ofMinutes(10), 503), d.webhook())),
                arguments("block/cooldown", new DetectionConfig(true, d.window(), 20, 20, d.instantReasons(),
                        100_000, new BlockConfig(true, Duration.ZERO, 429), d.webhook())),
                arguments("webhook/url", withUrl("ftp://example.com/x")),
                arguments("webhook/url", withUrl("https:///nohost")),
                arguments("webhook/url", withUrl("https://user:pw@example.com/x")),
                arguments("webhook/url", withUrl("http://hooks.example.com/x")),
                arguments("webhook/url", withUrl("http://10.0.0.1/x")),
                arguments("webhook/url", withUrl("not a url")),
                arguments("webhook/headers/Host", withHeader("Host", "x")),
                arguments("webhook/headers/content-type", withHeader("content-type", "text/plain")),
                arguments("webhook/headers/Bad Name", withHeader("Bad Name", "x")),
                arguments("webhook/headers/X-Token", withHeader("X-Token", "a\r\nX-Injected: 1")),
                arguments("webhook/max_attempts", withWebhook(w -> new WebhookConfig(null, Map.of(), w.timeout(), 0,
                        w.initialBackoff(), w.maxBackoff(), w.queueCapacity()))),
                arguments("webhook/max_backoff", withWebhook(w -> new WebhookConfig(null, Map.of(), w.timeout(), 5,
                        Duration.ofSeconds(10), Duration.ofSeconds(5), w.queueCapacity()))),
                arguments("webhook/queue_capacity", withWebhook(w -> new WebhookConfig(null, Map.of(), w.timeout(),
                        5, w.initialBackoff(), w.maxBackoff(), 0))),
                arguments("webhook/timeout", withWebhook(w -> new WebhookConfig(null, Map.of(), Duration.ofMillis(1),
                        5, w.initialBackoff(), w.maxBackoff(), 10))));
    }

    @ParameterizedTest
    @MethodSource("badConfigs")
    void oneBadValueIsOneProblemAtItsKey(String key, DetectionConfig config) {
        assertThat(DetectionChecks.check(config)).extracting(DetectionChecks.Problem::key).containsExactly(key);
    }

    @Test
    void plainHttpIsAllowedToLoopback() {
        assertThat(DetectionChecks.check(withUrl("http://127.0.0.1:8099/hook"))).isEmpty();
        assertThat(DetectionChecks.check(withUrl("http://localhost/hook"))).isEmpty();
        assertThat(DetectionChecks.check(withUrl("http://[::1]:80/hook"))).isEmpty();
    }

    private static DetectionConfig withUrl(String url) {
        return withWebhook(w -> new WebhookConfig(url, w.headers(), w.timeout(), w.maxAttempts(),
                w.initialBackoff(), w.maxBackoff(), w.queueCapacity()));
    }

    private static DetectionConfig withHeader(String name, String value) {
        return withWebhook(w -> new WebhookConfig(null, Map.of(name, value), w.timeout(), w.maxAttempts(),
                w.initialBackoff(), w.maxBackoff(), w.queueCapacity()));
    }

    private static DetectionConfig withWebhook(UnaryOperator<WebhookConfig> change) {
        DetectionConfig d = DetectionConfig.defaults();
        return new DetectionConfig(d.enabled(), d.window(), d.clientThreshold(), d.subjectThreshold(),
                d.instantReasons(), d.maxTrackedSources(), d.block(), change.apply(d.webhook()));
    }
}
