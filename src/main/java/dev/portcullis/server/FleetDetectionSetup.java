package dev.portcullis.server;

import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.SharedStateConfig;
import dev.portcullis.shared.FleetDetection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Intrusion detection counted fleet-wide, when {@code shared_state.redis} is set and detection is
 * on: the running {@link dev.portcullis.detect.Detection} is republished with a
 * {@link FleetDetection}, which subscribes to the bus's {@code detect} topic. Call it after
 * {@link SharedSetup#connect} and before {@link SharedSetup#startBus}. Reloads keep the fleet (a
 * reload that turns detection on later counts per instance until a restart, like {@code shared_state}).
 */
final class FleetDetectionSetup {
    private static final Logger log = LoggerFactory.getLogger(FleetDetectionSetup.class);

    private FleetDetectionSetup() {
    }

    static void start(ProxyConfig config, Gate gate) {
        if (gate.shared() == null || gate.bus() == null || !config.detection().enabled()) {
            return;
        }
        SharedStateConfig.Redis redis = config.sharedState().redis();
        FleetDetection fleet = FleetDetection.start(gate.shared(), gate.bus(), gate::detection,
                System::currentTimeMillis, redis.maxPending(), redis.blockOutbox());
        gate.publishDetection(gate.detection().withFleet(fleet));
        log.info("intrusion detection counts fleet-wide on Redis (local counts go on when Redis is down)");
    }
}
