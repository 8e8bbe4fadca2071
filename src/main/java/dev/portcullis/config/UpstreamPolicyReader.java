package dev.portcullis.config;

import java.time.Duration;
import java.util.Set;

/**
 * Reads the keys of a route that say how its upstream list is used ({@code load_balancing},
 * {@code retry}, {@code outlier_detection}, {@code health_check}), and the same keys but
 * {@code health_check} in {@code upstream_defaults}.
 */
final class UpstreamPolicyReader {
    static final Set<String> ROUTE_KEYS = Set.of("load_balancing", "retry", "outlier_detection", "health_check");
    static final Set<String> DEFAULTS_KEYS = Set.of("load_balancing", "retry", "outlier_detection");
    static final Set<String> OUTLIER_KEYS = Set.of("consecutive_failures", "base_ejection", "max_ejection",
            "max_ejected_percent");
    static final Set<String> HEALTH_CHECK_KEYS = Set.of("path", "interval", "timeout", "healthy", "unhealthy");
    private static final Duration MIN_EJECTION = Duration.ofMillis(10);
    private static final Duration MIN_INTERVAL = Duration.ofMillis(50);
    private static final Duration MIN_TIMEOUT = Duration.ofMillis(10);

    private UpstreamPolicyReader() {
    }

    /** A route's keys; what it does not say is null (inherited). */
    static UpstreamPolicyConfig route(ConfigNode n) {
        return new UpstreamPolicyConfig(leastRequest(n), retry(n), outlier(n.get("outlier_detection")),
                healthCheck(n.get("health_check")));
    }

    /** {@code upstream_defaults}' keys over the built-in defaults. */
    static UpstreamPolicyConfig defaults(ConfigNode n) {
        UpstreamPolicyConfig d = UpstreamPolicyConfig.defaults();
        if (!n.isObject()) {
            return d;
        }
        return new UpstreamPolicyConfig(leastRequest(n), retry(n), outlier(n.get("outlier_detection")), null)
                .orElse(d);
    }

    private static Boolean leastRequest(ConfigNode n) {
        return n.choice("load_balancing", "round_robin", "least_request", null);
    }

    private static Boolean retry(ConfigNode n) {
        return n.choice("retry", "never", "once", null);
    }

    private static OutlierConfig outlier(ConfigNode n) {
        if (!n.expectObject()) {
            return null;
        }
        n.allowOnly(OUTLIER_KEYS);
        Long failures = n.get("consecutive_failures").isMissing() ? null
                : n.number("consecutive_failures", 0, 0, 1000);
        Long percent = n.get("max_ejected_percent").isMissing() ? null
                : n.number("max_ejected_percent", 50, 0, 100);
        Duration base = n.get("base_ejection").isMissing() ? null
                : n.duration("base_ejection", Duration.ofSeconds(30), MIN_EJECTION);
        Duration max = n.get("max_ejection").isMissing() ? null
                : n.duration("max_ejection", Duration.ofMinutes(5), MIN_EJECTION);
        return new OutlierConfig(failures == null ? null : failures.intValue(), base, max,
                percent == null ? null : percent.intValue());
    }

    private static HealthCheckConfig healthCheck(ConfigNode n) {
        if (!n.expectObject()) {
            return null;
        }
        n.allowOnly(HEALTH_CHECK_KEYS);
        HealthCheckConfig d = HealthCheckConfig.defaults();
        String path = n.text("path", d.path());
        if (!path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ' || c == 0x7f)) {
            n.get("path").error("expected a path starting with '/', without spaces or control characters");
            path = d.path();
        }
        Duration interval = n.duration("interval", d.interval(), MIN_INTERVAL);
        Duration timeout = n.duration("timeout", d.timeout(), MIN_TIMEOUT);
        if (timeout.compareTo(interval) > 0 && !n.get("timeout").isMissing()) {
            n.get("timeout").error("must not be longer than the interval (" + Durations.format(interval) + ")");
            timeout = interval;
        }
        return new HealthCheckConfig(path, interval, timeout.compareTo(interval) > 0 ? interval : timeout,
                (int) n.number("healthy", d.healthy(), 1, 100), (int) n.number("unhealthy", d.unhealthy(), 1, 100));
    }
}
