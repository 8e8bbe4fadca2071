package dev.portcullis.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The {@code detection:} block of the config file, as read: when denied requests of one source
 * look like an intrusion attempt, and what to do about it. Plain data; {@link DetectionChecks}
 * validates it, {@link IntrusionDetector} and {@link IntrusionEvents} run it.
 *
 * @param enabled           whether denials are watched at all (default true)
 * @param window            how far back denials are counted (default 60s)
 * @param clientThreshold   denials per client address within the window that raise an event
 *                          (default 20; 0 = off)
 * @param subjectThreshold  denials per verified subject within the window (default 20; 0 = off)
 * @param instantReasons    reason codes that raise an event on their first occurrence (default
 *                          {@code signature_invalid}, {@code algorithm_rejected}: forgery attempts)
 * @param maxTrackedSources sources remembered per kind (clients, subjects, holds); the least
 *                          useful are forgotten beyond that (default 100000)
 * @param block             whether and how a source that raised an event is refused
 * @param webhook           where events are also POSTed
 */
public record DetectionConfig(
        boolean enabled,
        Duration window,
        int clientThreshold,
        int subjectThreshold,
        List<String> instantReasons,
        int maxTrackedSources,
        BlockConfig block,
        WebhookConfig webhook) {

    public DetectionConfig {
        Objects.requireNonNull(window, "window");
        instantReasons = List.copyOf(instantReasons);
        Objects.requireNonNull(block, "block");
        Objects.requireNonNull(webhook, "webhook");
    }

    public static DetectionConfig defaults() {
        return new DetectionConfig(true, Duration.ofSeconds(60), 20, 20,
                List.of("signature_invalid", "algorithm_rejected"), 100_000, BlockConfig.defaults(),
                WebhookConfig.defaults());
    }

    /**
     * {@code detection.block}: refuse a source at once, before authentication, for a while after
     * it raised an event.
     *
     * @param enabled  default false: detection only reports
     * @param cooldown how long a block lasts (default 10m); requests refused meanwhile do not
     *                 extend it
     * @param status   the answer to a blocked source: 429 (default) or 403
     */
    public record BlockConfig(boolean enabled, Duration cooldown, int status) {
        public BlockConfig {
            Objects.requireNonNull(cooldown, "cooldown");
        }

        public static BlockConfig defaults() {
            return new BlockConfig(false, Duration.ofMinutes(10), 429);
        }
    }

    /**
     * {@code detection.webhook}: each event is also POSTed as JSON, off the request path, retried
     * with exponential back-off on connection errors, timeouts, 5xx, 408 and 429.
     *
     * @param url            http(s) URL, or null for no webhook; plain http only to loopback
     * @param headers        added to every POST (e.g. {@code Authorization}); use {@code ${VAR}}
     *                       so the secret is not in the file
     * @param timeout        per attempt, connecting included (default 3s)
     * @param maxAttempts    attempts per event, the first included (default 5)
     * @param initialBackoff wait before the second attempt, doubled for each further one (1s)
     * @param maxBackoff     the longest wait between attempts (60s)
     * @param queueCapacity  events waiting for delivery; more are dropped and counted (1000)
     */
    public record WebhookConfig(String url, Map<String, String> headers, Duration timeout, int maxAttempts,
            Duration initialBackoff, Duration maxBackoff, int queueCapacity) {
        public WebhookConfig {
            headers = Map.copyOf(headers);
            Objects.requireNonNull(timeout, "timeout");
            Objects.requireNonNull(initialBackoff, "initialBackoff");
            Objects.requireNonNull(maxBackoff, "maxBackoff");
        }

        public static WebhookConfig defaults() {
            return new WebhookConfig(null, Map.of(), Duration.ofSeconds(3), 5, Duration.ofSeconds(1),
                    Duration.ofSeconds(60), 1000);
        }
    }
}
