package dev.portcullis.config;

import java.time.Duration;

/**
 * {@code health_check} of a route: each upstream is sent {@code GET path} every {@code interval};
 * an answer 2xx within {@code timeout} passes, anything else fails.
 *
 * @param path      the path probed (with its query, if any)
 * @param interval  from the end of one probe to the start of the next
 * @param timeout   connect and answer bound of one probe
 * @param healthy   passes in a row that bring a failed upstream back
 * @param unhealthy failures in a row that take an upstream out
 */
public record HealthCheckConfig(String path, Duration interval, Duration timeout, int healthy, int unhealthy) {

    public static HealthCheckConfig defaults() {
        return new HealthCheckConfig("/", Duration.ofSeconds(10), Duration.ofSeconds(2), 2, 3);
    }
}
