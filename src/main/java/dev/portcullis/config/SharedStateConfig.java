package dev.portcullis.config;

import java.time.Duration;
import java.util.List;

/**
 * {@code shared_state}: where the state that a fleet of instances shares is kept. Without the section
 * ({@link #NONE}) every instance keeps it in memory, as a single instance always has.
 *
 * @param redis the Redis server shared by the fleet, or null: in memory
 */
public record SharedStateConfig(Redis redis) {
    public static final SharedStateConfig NONE = new SharedStateConfig(null);

    /**
     * {@code shared_state.redis}.
     *
     * @param uri              {@code rediss://host:port} (TLS); {@code redis://} only to a loopback address
     * @param username         the ACL user, or null for the default user
     * @param passwordFile     file holding the ACL password (never in the config text), or null
     * @param caFile           PEM CA certificates that the server's certificate must chain to; null: the JDK's
     * @param keyPrefix        the first part of every key, one per deployment ({@code portcullis:})
     * @param sessionKeysFiles files of at least 32 random bytes each; sessions are encrypted at rest with
     *                         the first one, and every listed one decrypts (key rotation)
     * @param timeout          the longest any Redis call may take (200 ms)
     * @param maxSessionSize   the largest session (its tokens, as JSON), in bytes, written to or read from
     *                         Redis; a larger one stays on its instance (16 KiB)
     * @param refreshLock      how long a session refresh may hold the fleet's lock on it; longer than
     *                         the token endpoint call's timeout ({@link ClientConfig#CALL_TIMEOUT}) (10 s)
     * @param maxPending       detection's calls to Redis in flight at most; a denial beyond them counts
     *                         locally only (1000). Ten times as many blocks wait, at most, to be published
     * @param eventOutbox      directory events kept for the fleet while Redis is down, or null: as many as
     *                         {@code okta.event_hook.queue_capacity} (10,000 without a hook)
     */
    public record Redis(String uri, String username, String passwordFile, String caFile, String keyPrefix,
            List<String> sessionKeysFiles, Duration timeout, int maxSessionSize, Duration refreshLock, int maxPending,
            Integer eventOutbox) {
        public static final String DEFAULT_PREFIX = "portcullis:";
        public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);
        public static final int DEFAULT_MAX_SESSION_SIZE = 16 * 1024;
        public static final Duration DEFAULT_REFRESH_LOCK = Duration.ofSeconds(10);
        public static final int DEFAULT_MAX_PENDING = 1000;

        public Redis {
            sessionKeysFiles = List.copyOf(sessionKeysFiles);
        }

        /** With the default limits. */
        public Redis(String uri, String username, String passwordFile, String caFile, String keyPrefix,
                List<String> sessionKeysFiles, Duration timeout) {
            this(uri, username, passwordFile, caFile, keyPrefix, sessionKeysFiles, timeout, DEFAULT_MAX_SESSION_SIZE,
                    DEFAULT_REFRESH_LOCK, DEFAULT_MAX_PENDING, null);
        }

        /** The same connection with other limits (tests). */
        public Redis withLimits(int maxSessionSize, Duration refreshLock, int maxPending, Integer eventOutbox) {
            return new Redis(uri, username, passwordFile, caFile, keyPrefix, sessionKeysFiles, timeout, maxSessionSize,
                    refreshLock, maxPending, eventOutbox);
        }

        /** Blocks of fleet detection waiting to be published, at most: ten times {@link #maxPending}. */
        public int blockOutbox() {
            return maxPending * 10;
        }

        /** Events kept for the fleet while Redis is down: {@link #eventOutbox}, else {@code queueCapacity}. */
        public int eventOutbox(int queueCapacity) {
            return eventOutbox == null ? queueCapacity : eventOutbox;
        }
    }
}
