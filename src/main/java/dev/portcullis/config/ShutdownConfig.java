package dev.portcullis.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the proxy stops on SIGTERM or SIGINT: {@code /readyz} answers 503 at once; after
 * {@code drainDelay} the client listener stops accepting; requests in flight then have up to
 * {@code timeout} to finish, and what is still open is cut (audited {@code shutdown}).
 *
 * @param drainDelay how long the listener keeps accepting after the signal, so that load balancers
 *                   see {@code /readyz} fail and stop sending new connections
 * @param timeout    how long requests in flight may still take once the listener has stopped
 */
public record ShutdownConfig(Duration drainDelay, Duration timeout) {
    /** The longest either duration may be: a stop that takes hours is a typo, not a plan. */
    public static final Duration MAX = Duration.ofHours(1);

    public ShutdownConfig {
        Objects.requireNonNull(drainDelay, "drainDelay");
        Objects.requireNonNull(timeout, "timeout");
    }

    public static ShutdownConfig defaults() {
        return new ShutdownConfig(Duration.ofSeconds(5), Duration.ofSeconds(30));
    }
}
