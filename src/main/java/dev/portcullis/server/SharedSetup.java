package dev.portcullis.server;

import dev.portcullis.config.ProxyConfig;
import dev.portcullis.observe.Metrics;
import dev.portcullis.observe.SharedStateMetrics;
import dev.portcullis.shared.FleetBus;
import dev.portcullis.shared.RedisConnection;
import java.io.IOException;
import java.io.UncheckedIOException;
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

    /** Connects the bus once every setup has subscribed to it; nothing without {@code shared_state.redis}. */
    static void startBus(Gate gate) {
        if (gate.bus() != null) {
            gate.bus().start();
        }
    }
}
