package dev.portcullis.config;

import java.time.Duration;

/**
 * How Portcullis talks to upstreams unless a route says otherwise.
 *
 * @param connectTimeout   TCP connect bound (502 on failure)
 * @param responseTimeout  bound from the request being sent to the response headers arriving (504)
 * @param idleTimeout      pooled keep-alive connections idle longer than this are closed
 * @param maxIdlePerLoop   idle connections kept per upstream address per event loop
 * @param upstreamPolicy   {@code load_balancing}, {@code retry} and {@code outlier_detection} of every route
 *                         that does not say (all members set; never a health check)
 */
public record UpstreamDefaultsConfig(
        Duration connectTimeout,
        Duration responseTimeout,
        Duration idleTimeout,
        int maxIdlePerLoop,
        UpstreamPolicyConfig upstreamPolicy) {

    public UpstreamDefaultsConfig {
        upstreamPolicy = upstreamPolicy == null ? UpstreamPolicyConfig.defaults() : upstreamPolicy;
    }

    public static UpstreamDefaultsConfig defaults() {
        return new UpstreamDefaultsConfig(Duration.ofSeconds(2), Duration.ofSeconds(30),
                Duration.ofSeconds(50), 1024, UpstreamPolicyConfig.defaults());
    }
}
