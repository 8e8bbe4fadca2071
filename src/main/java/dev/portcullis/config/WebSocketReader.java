package dev.portcullis.config;

import java.time.Duration;
import java.util.Set;

/** Reads a route's {@code websocket} mapping; each problem is reported at its own key. */
final class WebSocketReader {
    static final Set<String> WEBSOCKET_KEYS = Set.of("enabled", "close_on_expiry", "idle_timeout", "max_lifetime");

    private WebSocketReader() {
    }

    /** The route's {@code websocket}, {@link WebSocketConfig#DISABLED} when it has none. */
    static WebSocketConfig websocket(ConfigNode route) {
        ConfigNode n = route.get("websocket");
        if (n.isMissing() || !n.expectObject()) {
            return WebSocketConfig.DISABLED;
        }
        n.allowOnly(WEBSOCKET_KEYS);
        return new WebSocketConfig(n.bool("enabled", false), n.bool("close_on_expiry", true),
                positive(n, "idle_timeout", WebSocketConfig.DEFAULT_IDLE_TIMEOUT),
                positive(n, "max_lifetime", WebSocketConfig.DEFAULT_MAX_LIFETIME));
    }

    private static Duration positive(ConfigNode n, String key, Duration dflt) {
        Duration d = n.duration(key, dflt);
        if (d == null) {
            return dflt;
        }
        if (d.isZero() || d.isNegative()) {
            n.get(key).error("must be longer than 0s: a tunnel without a bound is not allowed");
            return dflt;
        }
        return d;
    }
}
