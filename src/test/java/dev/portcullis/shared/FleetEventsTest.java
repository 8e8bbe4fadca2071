package dev.portcullis.shared;

import static dev.portcullis.shared.FleetBusTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.membership.DirectoryEvent;
import dev.portcullis.shared.FleetEvents.Counts;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Instances' directory events over one real redis-server: delivery, fleet-wide de-duplication, catch-up, outages, bad input. */
class FleetEventsTest {
    private RedisServer redis;
    private ScheduledExecutorService scheduler;
    private final List<Instance> instances = new ArrayList<>();

    /** One instance: its connection, bus, fleet events, what it applied and what it counted. */
    final class Instance implements Counts {
        final RedisConnection connection;
        final FleetBus bus;
        final FleetEvents events;
        final ScheduledExecutorService applyOn = Executors.newSingleThreadScheduledExecutor();
        final List<DirectoryEvent> applied = new CopyOnWriteArrayList<>();
        final Map<Object, AtomicInteger> counted = new ConcurrentHashMap<>();
        final AtomicInteger resyncs = new AtomicInteger();

        Instance() throws Exception {
            this(100);
        }

        /** @param outbox {@code shared_state.redis.event_outbox} */
        Instance(int outbox) throws Exception {
            connection = RedisConnection.start(RedisConnectionTest.config(redis.uri()), scheduler, SharedStateListener.NONE);
            bus = new FleetBus(connection, scheduler);
            events = new FleetEvents(connection, bus, applied::add, this, applyOn, Clock.systemUTC(),
                    Duration.ofHours(1), 100, outbox).subscribe();
            bus.onResync(resyncs::incrementAndGet);
            applyOn.scheduleWithFixedDelay(events::tick, 1, 1, TimeUnit.SECONDS);
            bus.start();
            instances.add(this);
            await(() -> bus.connected() && connection.health().ok() && resyncs.get() >= 1, "connected");
        }

        @Override
        public void counted(Source source) {
            counted.computeIfAbsent(source, k -> new AtomicInteger()).incrementAndGet();
        }

        @Override
        public void dropped(Drop why) {
            counted.computeIfAbsent(why, k -> new AtomicInteger()).incrementAndGet();
        }

        int count(Object what) {
            AtomicInteger n = counted.get(what);
            return n == null ? 0 : n.get();
        }

        long applied(String uuid) {
            return applied.stream().filter(e -> e.uuid().equals(uuid)).count();
        }

        void deliver(DirectoryEvent e) {
            events.localApplier().apply(e);
        }

        void close() {
            bus.close();
            connection.close();
            applyOn.shutdownNow();
        }
    }

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        scheduler = Executors.newScheduledThreadPool(2);
    }

    @AfterEach
    void stop() {
        instances.forEach(Instance::close);
        scheduler.shutdownNow();
        redis.close();
    }

    static DirectoryEvent removal(String user) {
        return new DirectoryEvent(UUID.randomUUID().toString(), DirectoryEvent.Type.MEMBERSHIP_REMOVE, Instant.now(),
                "00u" + user, user + "@example.com", "00gadmins", "admins", null);
    }

    @Test
    void anEventDeliveredToAIsAppliedOnB() throws Exception {
        Instance a = new Instance();
        Instance b = new Instance();
        DirectoryEvent e = removal("alice");

        a.deliver(e);

        assertThat(a.applied(e.uuid())).isEqualTo(1); // at once, before Redis answered
        await(() -> b.applied(e.uuid()) == 1, "applied on B");
        assertThat(b.applied).containsExactly(e);
        assertThat(b.count(Counts.Source.RECEIVED)).isEqualTo(1);
        assertThat(a.count(Counts.Source.PUBLISHED)).isEqualTo(1);
    }

    @Test
    void theSameEventDeliveredToTwoInstancesIsRecordedOnceAndAppliedOnceEach() throws Exception {
        Instance a = new Instance();
        Instance b = new Instance();
        DirectoryEvent e = removal("bob");

        a.deliver(e);
        b.deliver(e);

        await(() -> a.count(Counts.Source.PUBLISHED) + b.count(Counts.Source.PUBLISHED) == 1, "one recorded it");
        // Markers from both: the bus keeps each sender's order, so once both have arrived on both,
        // whatever the winner said of the first event has been handled too.
        DirectoryEvent fromA = removal("marker-a");
        DirectoryEvent fromB = removal("marker-b");
        a.deliver(fromA);
        b.deliver(fromB);
        await(() -> a.applied(fromB.uuid()) == 1 && b.applied(fromA.uuid()) == 1, "markers across");
        assertThat(a.applied(e.uuid())).isEqualTo(1);
        assertThat(b.applied(e.uuid())).isEqualTo(1);
        assertThat(a.count(Counts.Source.DUPLICATE) + b.count(Counts.Source.DUPLICATE)).isGreaterThanOrEqualTo(1);
        assertThat(a.connection.<Long>call(SharedStateListener.Op.STREAM, c -> c.xlen("test:events"))
                .get(5, TimeUnit.SECONDS)).isEqualTo(3);
    }

    @Test
    void anInstanceStartedAfterTheEventCatchesUp() throws Exception {
        Instance a = new Instance();
        DirectoryEvent e = removal("carol");
        a.deliver(e);
        await(() -> a.count(Counts.Source.PUBLISHED) == 1, "recorded");

        Instance b = new Instance();

        await(() -> b.applied(e.uuid()) == 1, "caught up on B");
        assertThat(b.count(Counts.Source.CAUGHT_UP)).isEqualTo(1);
    }

    @Test
    void anEventDeliveredWhileRedisIsDownIsAppliedAtOnceAndReachesTheFleetLater() throws Exception {
        Instance a = new Instance();
        Instance b = new Instance();
        redis.stop();
        await(() -> !a.connection.health().ok(), "A degraded");
        DirectoryEvent e = removal("dave");

        a.deliver(e);

        assertThat(a.applied(e.uuid())).isEqualTo(1);
        await(() -> a.events.outboxSize() == 1, "kept in the outbox");
        redis.restart();
        await(() -> b.applied(e.uuid()) == 1, "applied on B once Redis is back");
        await(() -> a.events.outboxSize() == 0, "outbox emptied");
        assertThat(a.applied(e.uuid())).isEqualTo(1);
    }

    /** {@code shared_state.redis.event_outbox: 2}: while Redis is down two events wait, the others are dropped and counted. */
    @Test
    void theOutboxHoldsTheConfiguredNumberOfEvents() throws Exception {
        Instance a = new Instance(2);
        redis.stop();
        await(() -> !a.connection.health().ok(), "A degraded");
        List<DirectoryEvent> sent = List.of(removal("e1"), removal("e2"), removal("e3"), removal("e4"));

        sent.forEach(a::deliver);

        await(() -> a.count(Counts.Drop.OUTBOX_FULL) == 2, "two dropped");
        assertThat(a.events.outboxSize()).isEqualTo(2);
        assertThat(a.applied).containsExactlyElementsOf(sent); // every one applied here at once
    }

    @Test
    void malformedAndOversizedStreamEntriesAndBusMessagesAreDroppedAndCounted() throws Exception {
        Instance a = new Instance();
        byte[] oversized = ("{\"uuid\":\"" + "x".repeat(EventCodec.MAX_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        for (byte[] bad : List.of("not json".getBytes(StandardCharsets.UTF_8), oversized)) {
            a.connection.call(SharedStateListener.Op.STREAM, c -> c.xadd("test:events", Map.of("e", bad)))
                    .get(5, TimeUnit.SECONDS);
        }
        a.connection.call(SharedStateListener.Op.STREAM, c -> c.xadd("test:events", Map.of("other", new byte[] {1})))
                .get(5, TimeUnit.SECONDS);
        DirectoryEvent good = removal("erin");
        a.deliver(good);
        await(() -> a.count(Counts.Source.PUBLISHED) == 1, "recorded after the bad entries");

        Instance b = new Instance();
        await(() -> b.applied(good.uuid()) == 1, "the good entry caught up past the bad ones");
        assertThat(b.count(Counts.Drop.MALFORMED)).isEqualTo(3);

        a.bus.publish(FleetEvents.TOPIC, "{\"uuid\":1}".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);
        a.bus.publish(FleetEvents.TOPIC, oversized).get(5, TimeUnit.SECONDS);
        await(() -> b.count(Counts.Drop.MALFORMED) == 5, "bus messages dropped");
        DirectoryEvent after = removal("frank");
        a.deliver(after);
        await(() -> b.applied(after.uuid()) == 1, "still receiving");
        assertThat(b.applied).hasSize(2);
    }
}
