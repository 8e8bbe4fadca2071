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
     */
    public record Redis(String uri, String username, String passwordFile, String caFile, String keyPrefix,
            List<String> sessionKeysFiles, Duration timeout) {
        public static final String DEFAULT_PREFIX = "portcullis:";
        public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);

        public Redis {
            sessionKeysFiles = List.copyOf(sessionKeysFiles);
        }
    }
}
