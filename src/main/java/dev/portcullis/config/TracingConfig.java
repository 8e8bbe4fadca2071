package dev.portcullis.config;

import java.time.Duration;
import java.util.List;

/**
 * Span export with OpenTelemetry. Off (and free) unless {@code otlpEndpoint} is set; the W3C
 * {@code traceparent} is propagated to upstreams either way.
 *
 * @param otlpEndpoint  OTLP/HTTP traces endpoint, e.g. {@code http://collector:4318/v1/traces}, or null
 * @param serviceName   {@code service.name} of the exported spans
 * @param sampleRatio   share of the traces Portcullis starts that are sampled; traces continued from
 *                      a caller follow the caller's sampled flag
 * @param exportDelay   how long finished spans wait to be exported in a batch
 * @param trustedSources CIDRs whose {@code traceparent} is continued; from any other client it is
 *                      only linked from a new trace (default: none)
 */
public record TracingConfig(String otlpEndpoint, String serviceName, double sampleRatio, Duration exportDelay,
        List<String> trustedSources) {
    public TracingConfig {
        trustedSources = List.copyOf(trustedSources);
    }

    public static TracingConfig defaults() {
        return new TracingConfig(null, "portcullis", 1.0, Duration.ofSeconds(1), List.of());
    }
}
