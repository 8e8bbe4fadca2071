package dev.portcullis.detect;

import dev.portcullis.config.DetectionConfig.BlockConfig;
import dev.portcullis.config.DetectionConfig.WebhookConfig;
import dev.portcullis.config.DetectionConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Small builders of detection configs for tests: the defaults, with one thing changed. */
final class Configs {
    private Configs() {
    }

    static DetectionConfig detection(Duration window, int clientThreshold, int subjectThreshold, boolean block) {
        DetectionConfig d = DetectionConfig.defaults();
        return new DetectionConfig(true, window, clientThreshold, subjectThreshold, d.instantReasons(),
                d.maxTrackedSources(), new BlockConfig(block, Duration.ofMinutes(10), 429), d.webhook());
    }

    static DetectionConfig withInstant(DetectionConfig c, List<String> instant) {
        return new DetectionConfig(c.enabled(), c.window(), c.clientThreshold(), c.subjectThreshold(), instant,
                c.maxTrackedSources(), c.block(), c.webhook());
    }

    static DetectionConfig withMaxTracked(DetectionConfig c, int max) {
        return new DetectionConfig(c.enabled(), c.window(), c.clientThreshold(), c.subjectThreshold(),
                c.instantReasons(), max, c.block(), c.webhook());
    }

    static DetectionConfig disabled(DetectionConfig c) {
        return new DetectionConfig(false, c.window(), c.clientThreshold(), c.subjectThreshold(),
                c.instantReasons(), c.maxTrackedSources(), c.block(), c.webhook());
    }

    static WebhookConfig webhook(String url, Map<String, String> headers, Duration timeout, int maxAttempts,
            Duration initialBackoff, int capacity) {
        return new WebhookConfig(url, headers, timeout, maxAttempts, initialBackoff, Duration.ofSeconds(60),
                capacity);
    }
}
