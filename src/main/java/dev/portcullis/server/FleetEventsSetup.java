package dev.portcullis.server;

import dev.portcullis.config.OktaConfig.EventHook;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.membership.EventApplier;
import dev.portcullis.observe.FleetEventMetrics;
import dev.portcullis.observe.Metrics;
import dev.portcullis.shared.FleetEvents;
import java.time.Clock;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Directory events shared by the fleet, when {@code shared_state.redis} is set and the membership
 * overlay is on: this instance's events (Event Hook deliveries, admin revocations) go to the others
 * through Redis, and theirs are applied here ({@link FleetEvents}). Subscribes to the bus before
 * {@link SharedSetup#startBus} connects it. Received events are applied on the scheduler, never on
 * an event loop; the received queue holds {@code okta.event_hook.queue_capacity} events (its default
 * without a hook), the outbox {@code shared_state.redis.event_outbox} (by default as many).
 */
final class FleetEventsSetup {
    private FleetEventsSetup() {
    }

    /**
     * The applier this instance's own events go through: {@code serial} itself without a bus, else
     * the fleet's, which applies through {@code serial} and shares the event.
     */
    static EventApplier wire(ProxyConfig config, Gate gate, EventApplier serial, Metrics metrics,
            ScheduledExecutorService scheduler, Clock clock) {
        if (gate.bus() == null || gate.shared() == null) {
            return serial;
        }
        EventHook hook = config.okta().eventHook();
        int capacity = hook == null ? EventHook.DEFAULT_QUEUE_CAPACITY : hook.queueCapacity();
        FleetEvents[] self = new FleetEvents[1];
        FleetEventMetrics counts = new FleetEventMetrics(metrics.registry(),
                () -> self[0] == null ? 0 : self[0].outboxSize());
        // Received events also make the directory's groups cache read the user again, as the hook's do.
        FleetEvents fleet = new FleetEvents(gate.shared(), gate.bus(), DirectorySetup.applier(serial, gate.directory()),
                counts, scheduler, clock, MembershipSetup.window(config), capacity,
                config.sharedState().redis().eventOutbox(capacity)).subscribe();
        self[0] = fleet;
        scheduler.scheduleWithFixedDelay(fleet::tick, 1, 1, TimeUnit.SECONDS);
        return fleet.localApplier();
    }
}
