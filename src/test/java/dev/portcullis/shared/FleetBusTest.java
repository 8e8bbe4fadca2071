package dev.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two instances' buses over one real redis-server: delivery, the sender, limits, and the resync after an outage. */
class FleetBusTest {
    private RedisServer redis;
    private ScheduledExecutorService scheduler;
    private RedisConnection ca;
    private RedisConnection cb;
    private FleetBus a;
    private FleetBus b;
    private final List<FleetMessage> atA = new CopyOnWriteArrayList<>();
    private final List<FleetMessage> atB = new CopyOnWriteArrayList<>();
    private final AtomicInteger resyncsAtB = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        scheduler = Executors.newScheduledThreadPool(2);
        ca = RedisConnection.start(RedisConnectionTest.config(redis.uri()), scheduler, SharedStateListener.NONE);
        cb = RedisConnection.start(RedisConnectionTest.config(redis.uri()), scheduler, SharedStateListener.NONE);
        a = new FleetBus(ca, scheduler);
        b = new FleetBus(cb, scheduler);
        a.subscribe("events", atA::add);
        b.subscribe("events", atB::add);
        b.onResync(resyncsAtB::incrementAndGet);
        a.start();
        b.start();
        await(() -> a.connected() && b.connected() && ca.health().ok() && cb.health().ok(), "both connected");
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        ca.close();
        cb.close();
        scheduler.shutdownNow();
        redis.close();
    }

    @Test
    void aMessageReachesEveryInstanceWithItsSender() throws Exception {
        await(() -> resyncsAtB.get() >= 1, "the first resync");
        long receivers = a.publish("events", "hello".getBytes(StandardCharsets.UTF_8)).get(5, TimeUnit.SECONDS);

        assertThat(receivers).isEqualTo(2);
        await(() -> atA.size() == 1 && atB.size() == 1, "delivered to both");
        assertThat(atB.get(0).fromSelf()).isFalse();
        assertThat(atB.get(0).sender()).isEqualTo(a.instanceId());
        assertThat(atB.get(0).topic()).isEqualTo("events");
        assertThat(new String(atB.get(0).body(), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(atA.get(0).fromSelf()).isTrue();
        assertThat(a.instanceId()).isNotEqualTo(b.instanceId());
    }

    @Test
    void anOversizedMessageIsRefusedWithoutThrowing() {
        assertThat(a.publish("events", new byte[FleetBus.MAX_MESSAGE])).failsWithin(Duration.ofSeconds(5));
    }

    @Test
    void framesWithoutASenderAreDropped() {
        assertThat(a.read("test:bus:events", "no separator".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(a.read("test:bus:events", "\nempty sender".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(a.read("test:bus:events", new byte[FleetBus.MAX_MESSAGE + 1])).isNull();
        assertThat(a.read("test:bus:events", "x\nbody".getBytes(StandardCharsets.UTF_8)).topic()).isEqualTo("events");
    }

    @Test
    void afterAnOutageTheBusResubscribesAndAsksForACatchUp() throws Exception {
        await(() -> resyncsAtB.get() >= 1, "the first resync");
        int before = resyncsAtB.get();
        redis.stop();
        await(() -> !cb.health().ok(), "degraded");
        // published while down: lost to pub/sub (the durable records are what resync reads)
        assertThat(a.publish("events", new byte[] {1})).failsWithin(Duration.ofSeconds(5));
        redis.restart();
        await(() -> resyncsAtB.get() > before, "a resync after the reconnect");
        await(() -> ca.health().ok(), "A recovered");
        a.publish("events", new byte[] {2}).get(5, TimeUnit.SECONDS);
        await(() -> atB.stream().anyMatch(m -> m.body().length == 1 && m.body()[0] == 2), "delivered after the outage");
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30s for: " + what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }
}
