package dev.portcullis.config;

import java.time.Duration;
import java.util.Objects;

/**
 * A route's {@code websocket}: whether an RFC 6455 upgrade is carried through to its upstream, and
 * how long the tunnel may live once it is open.
 *
 * @param enabled       upgrades are forwarded; when false (the default) {@code Upgrade} is stripped as any
 *                      hop-by-hop header and the request goes on as plain HTTP
 * @param closeOnExpiry the tunnel is closed (1008) when the token that opened it expires or the membership
 *                      overlay would now refuse it
 * @param idleTimeout   no byte either way for this long closes the tunnel
 * @param maxLifetime   the tunnel is closed this long after it opened, whatever it does
 */
public record WebSocketConfig(boolean enabled, boolean closeOnExpiry, Duration idleTimeout, Duration maxLifetime) {
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofHours(1);

    /** What a route without {@code websocket} gets: no upgrades. */
    public static final WebSocketConfig DISABLED =
            new WebSocketConfig(false, true, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_LIFETIME);

    public WebSocketConfig {
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(maxLifetime, "maxLifetime");
    }
}
