package dev.portcullis.server;

import dev.portcullis.config.IssuerConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.SharedStateConfig;
import dev.portcullis.observe.Metrics;
import dev.portcullis.observe.SharedStateMetrics;
import dev.portcullis.shared.FleetBus;
import dev.portcullis.session.MemorySessionStore;
import dev.portcullis.session.SessionStore;
import dev.portcullis.shared.RedisConnection;
import dev.portcullis.shared.RedisSessionStore;
import dev.portcullis.shared.SessionSealer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's shared state, when {@code shared_state.redis} is set: the Redis connection (made in
 * the background, so a Redis that is down at start does not stop the proxy), its metrics, and its
 * status in {@code /readyz}, and the fleet's pub/sub {@link FleetBus} (published in the gate; the
 * setups subscribe to it, then {@link #startBus} connects it). A reload does not change it: a new
 * {@code shared_state} takes a restart.
 */
final class SharedSetup {
    private static final Logger log = LoggerFactory.getLogger(SharedSetup.class);

    private SharedSetup() {
    }

    /** The connection, published in the gate; null without {@code shared_state.redis}. */
    static RedisConnection connect(ProxyConfig config, Metrics metrics, Gate gate, ScheduledExecutorService scheduler) {
        if (config.sharedState().redis() == null) {
            return null;
        }
        try {
            RedisConnection c = RedisConnection.start(config.sharedState().redis(), scheduler,
                    new SharedStateMetrics(metrics.registry()));
            gate.shared(c);
            gate.bus(new FleetBus(c, scheduler));
            log.info("shared state on Redis at {} (key prefix '{}', timeout {} ms)", config.sharedState().redis().uri(),
                    c.keyPrefix(), config.sharedState().redis().timeout().toMillis());
            return c;
        } catch (IOException e) {
            throw new UncheckedIOException("shared_state.redis: cannot read " + config.sharedState().redis().passwordFile(), e);
        }
    }

    /**
     * Browser sessions on the fleet's Redis ({@link RedisSessionStore}: a near-cache here, sealed
     * with {@code session_keys_files}, kept coherent over the bus), or null without {@code shared_state.redis}.
     */
    static SessionStore sessionStore(ProxyConfig config, Gate gate, Clock clock) {
        if (gate.shared() == null) {
            return null;
        }
        SharedStateConfig.Redis redis = config.sharedState().redis();
        List<String> keys = redis.sessionKeysFiles();
        try {
            long maxAge = 0;
            for (IssuerConfig i : config.issuers()) {
                maxAge = i.client() == null ? maxAge : Math.max(maxAge, i.client().sessionMaxAge().toMillis());
            }
            return new RedisSessionStore(new MemorySessionStore(), gate.shared(), SessionSealer.fromFiles(keys),
                    redis.maxSessionSize(), redis.refreshLock().toMillis(), maxAge, clock::millis, gate.bus());
        } catch (IOException e) {
            throw new UncheckedIOException("shared_state.redis.session_keys_files: cannot read " + keys, e);
        }
    }

    /** Connects the bus once every setup has subscribed to it; nothing without {@code shared_state.redis}. */
    static void startBus(Gate gate) {
        if (gate.bus() != null) {
            gate.bus().start();
        }
    }
}
