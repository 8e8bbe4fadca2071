package dev.portcullis.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Reads what the proxy reports and how it reacts to what it sees: {@code audit}, {@code tracing}, {@code detection}. */
final class ObservabilityReader {
    static final Set<String> AUDIT_KEYS = Set.of("allowed_sample_rate", "queue_capacity");
    static final Set<String> TRACING_KEYS = Set.of("otlp_endpoint", "service_name", "sample_ratio",
            "export_delay", "trusted_sources");
    static final Set<String> DETECTION_KEYS = Set.of("enabled", "window", "client_threshold",
            "subject_threshold", "instant_reasons", "max_tracked_sources", "block", "webhook");
    static final Set<String> DETECTION_BLOCK_KEYS = Set.of("enabled", "cooldown", "status");
    static final Set<String> DETECTION_WEBHOOK_KEYS = Set.of("url", "headers", "timeout", "max_attempts",
            "initial_backoff", "max_backoff", "queue_capacity");

    private ObservabilityReader() {
    }

    static AuditConfig audit(ConfigNode n) {
        return Sections.read(n, AUDIT_KEYS, AuditConfig.defaults(),
                d -> new AuditConfig(n.fraction("allowed_sample_rate", d.allowedSampleRate()),
                        (int) n.number("queue_capacity", d.queueCapacity(), 16, 10_000_000)));
    }

    static TracingConfig tracing(ConfigNode n) {
        return Sections.read(n, TRACING_KEYS, TracingConfig.defaults(), d -> {
            List<String> trusted = n.texts("trusted_sources");
            return new TracingConfig(n.text("otlp_endpoint", null), n.text("service_name", d.serviceName()),
                    n.fraction("sample_ratio", d.sampleRatio()), n.duration("export_delay", d.exportDelay()),
                    trusted == null ? d.trustedSources() : trusted);
        });
    }

    static DetectionConfig detection(ConfigNode n) {
        return Sections.read(n, DETECTION_KEYS, DetectionConfig.defaults(), d -> {
            DetectionConfig.BlockConfig block = block(n.get("block"), d.block());
            DetectionConfig.WebhookConfig hook = webhook(n.get("webhook"), d.webhook());
            List<String> instant = n.texts("instant_reasons");
            return new DetectionConfig(
                    n.bool("enabled", d.enabled()),
                    n.duration("window", d.window()),
                    (int) n.number("client_threshold", d.clientThreshold(), 0, 1_000_000),
                    (int) n.number("subject_threshold", d.subjectThreshold(), 0, 1_000_000),
                    instant == null ? d.instantReasons() : instant,
                    (int) n.number("max_tracked_sources", d.maxTrackedSources(), 100, 10_000_000),
                    block, hook);
        });
    }

    private static DetectionConfig.BlockConfig block(ConfigNode b, DetectionConfig.BlockConfig defaults) {
        return Sections.read(b, DETECTION_BLOCK_KEYS, defaults,
                d -> new DetectionConfig.BlockConfig(b.bool("enabled", d.enabled()),
                        b.duration("cooldown", d.cooldown()), (int) b.number("status", d.status(), 100, 599)));
    }

    private static DetectionConfig.WebhookConfig webhook(ConfigNode w, DetectionConfig.WebhookConfig defaults) {
        return Sections.read(w, DETECTION_WEBHOOK_KEYS, defaults, d -> webhookFields(w, d));
    }

    private static DetectionConfig.WebhookConfig webhookFields(ConfigNode w, DetectionConfig.WebhookConfig d) {
        Map<String, String> headers = new LinkedHashMap<>();
        w.entries("headers").forEach((name, value) -> {
            List<String> v = value.asTexts();
            if (v.size() == 1) {
                headers.put(name, v.get(0));
            } else if (!v.isEmpty()) {
                value.error("expected a string");
            }
        });
        return new DetectionConfig.WebhookConfig(w.text("url", null), headers,
                w.duration("timeout", d.timeout()),
                (int) w.number("max_attempts", d.maxAttempts(), 1, 20),
                w.duration("initial_backoff", d.initialBackoff()),
                w.duration("max_backoff", d.maxBackoff()),
                (int) w.number("queue_capacity", d.queueCapacity(), 1, 100_000));
    }
}
