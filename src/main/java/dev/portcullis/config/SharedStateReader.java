package dev.portcullis.config;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Reads {@code shared_state}. */
final class SharedStateReader {
    static final Set<String> SHARED_STATE_KEYS = Set.of("redis");
    static final Set<String> REDIS_KEYS = Set.of("uri", "username", "password_file", "ca_file", "key_prefix",
            "session_keys_files", "timeout", "max_session_size", "refresh_lock", "max_pending", "event_outbox");

    private SharedStateReader() {
    }

    static SharedStateConfig sharedState(ConfigNode n) {
        return Sections.read(n, SHARED_STATE_KEYS, SharedStateConfig.NONE,
                d -> new SharedStateConfig(redis(n.get("redis"))));
    }

    private static SharedStateConfig.Redis redis(ConfigNode n) {
        if (!n.expectObject()) {
            return null;
        }
        n.allowOnly(REDIS_KEYS);
        String uri = n.text("uri", null);
        if (uri == null) {
            n.error("shared_state.redis needs 'uri' (rediss://host:port)");
        }
        List<String> keys = n.texts("session_keys_files");
        return new SharedStateConfig.Redis(uri, n.text("username", null), n.text("password_file", null),
                n.text("ca_file", null), n.text("key_prefix", SharedStateConfig.Redis.DEFAULT_PREFIX),
                keys == null ? List.of() : keys,
                n.duration("timeout", SharedStateConfig.Redis.DEFAULT_TIMEOUT, Duration.ofMillis(10)),
                (int) n.number("max_session_size", SharedStateConfig.Redis.DEFAULT_MAX_SESSION_SIZE, 1024, 1 << 20),
                n.duration("refresh_lock", SharedStateConfig.Redis.DEFAULT_REFRESH_LOCK),
                (int) n.number("max_pending", SharedStateConfig.Redis.DEFAULT_MAX_PENDING, 10, 100_000),
                eventOutbox(n));
    }

    /** Null when absent: the outbox then holds as many events as {@code okta.event_hook.queue_capacity}. */
    private static Integer eventOutbox(ConfigNode n) {
        if (n.get("event_outbox").isMissing()) {
            return null;
        }
        long v = n.number("event_outbox", -1, 1, 1_000_000);
        return v < 0 ? null : (int) v;
    }
}
