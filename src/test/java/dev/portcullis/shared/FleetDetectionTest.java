package dev.portcullis.shared;

import static dev.portcullis.shared.FleetBusTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.DetectionConfig;
import dev.portcullis.config.DetectionConfig.BlockConfig;
import dev.portcullis.config.SharedStateConfig;
import dev.portcullis.detect.Detection;
import dev.portcullis.detect.IntrusionEvent;
import dev.portcullis.detect.IntrusionListener;
import dev.portcullis.vocab.Reason;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Fleet-wide intrusion detection over one real redis-server: instances that each stay below the
 * threshold are blocked together once their total crosses it, with one event for the fleet; a
 * restarted instance learns the live blocks; without Redis detection is local as before; keys hold
 * no raw address or subject; a flood does not queue unbounded calls.
 */
class FleetDetectionTest {
    private static final String CLIENT = "203.0.113.9";
    private static final DetectionConfig CONFIG = config(5);
    private RedisServer redis;
    private ScheduledExecutorService scheduler;
    private final List<Node> nodes = new ArrayList<>();

    /** One instance: its connection, bus and detection, and what its detection reported. */
    private final class Node implements AutoCloseable {
        final RedisConnection connection;
        final FleetBus bus;
        final List<IntrusionEvent> events = new CopyOnWriteArrayList<>();
        final AtomicInteger dropped = new AtomicInteger();
        volatile Detection detection;

        Node(Duration timeout) throws Exception {
            this(timeout, SharedStateConfig.Redis.DEFAULT_MAX_PENDING);
        }

        Node(Duration timeout, int maxPending) throws Exception {
            SharedStateConfig.Redis c = RedisConnectionTest.config(redis.uri());
            SharedStateConfig.Redis config = new SharedStateConfig.Redis(c.uri(), null, null, null, c.keyPrefix(),
                    List.of(), timeout).withLimits(c.maxSessionSize(), c.refreshLock(), maxPending, null);
            connection = RedisConnection.start(config, scheduler, SharedStateListener.NONE);
            bus = new FleetBus(connection, scheduler);
            Detection local = Detection.start(CONFIG, new IntrusionListener() {
                @Override
                public void eventRaised(IntrusionEvent e) {
                    events.add(e);
                }

                @Override
                public void fleetDropped() {
                    dropped.incrementAndGet();
                }
            });
            detection = local.withFleet(FleetDetection.start(connection, bus, () -> detection,
                    System::currentTimeMillis, config.maxPending(), config.blockOutbox()));
            bus.start();
            await(() -> bus.connected() && connection.health().ok(), "an instance connected");
            nodes.add(this);
        }

        void deny(String client, Reason reason) {
            detection.onDenial(client, null, null, reason, "/admin", System.currentTimeMillis());
        }

        boolean blocked(String client) {
            return detection.isBlocked(client, null, null, System.currentTimeMillis()) != null;
        }

        @Override
        public void close() {
            detection.close();
            bus.close();
            connection.close();
        }
    }

    static DetectionConfig config(int clientThreshold) {
        DetectionConfig d = DetectionConfig.defaults();
        return new DetectionConfig(true, Duration.ofSeconds(60), clientThreshold, 4, d.instantReasons(), 10_000,
                new BlockConfig(true, Duration.ofMinutes(1), 429), d.webhook());
    }

    @BeforeEach
    void start() {
        redis = RedisServer.start();
        scheduler = Executors.newScheduledThreadPool(2);
    }

    @AfterEach
    void stop() {
        nodes.forEach(Node::close);
        scheduler.shutdownNow();
        redis.close();
    }

    private int events() {
        return nodes.stream().mapToInt(n -> n.events.size()).sum();
    }

    @Test
    void threeInstancesEachBelowTheThresholdAreBlockedTogetherWithOneEvent() throws Exception {
        Node a = new Node(Duration.ofMillis(500));
        Node b = new Node(Duration.ofMillis(500));
        Node c = new Node(Duration.ofMillis(500));
        Node[] fleet = {a, b, c};
        for (int i = 0; i < 6; i++) { // two each: every instance alone stays below 5
            fleet[i % 3].deny(CLIENT, Reason.TOKEN_MALFORMED);
        }

        await(() -> a.blocked(CLIENT) && b.blocked(CLIENT) && c.blocked(CLIENT), "blocked on all three");
        await(() -> events() == 1, "the fleet's event");
        IntrusionEvent e = nodes.stream().flatMap(n -> n.events.stream()).findFirst().orElseThrow();
        assertThat(e.fleetWide()).isTrue();
        assertThat(e.count()).isGreaterThanOrEqualTo(5);
        assertThat(e.kind()).isEqualTo(IntrusionEvent.Kind.THRESHOLD_CLIENT);
        assertThat(e.source()).isEqualTo(CLIENT);
        for (Node n : fleet) {
            assertThat(n.detection.blockedSources(System.currentTimeMillis())).isEqualTo(1);
        }
    }

    @Test
    void aRestartedInstanceLearnsTheLiveBlocks() throws Exception {
        Node a = new Node(Duration.ofMillis(500));
        Node b = new Node(Duration.ofMillis(500));
        for (int i = 0; i < 6; i++) {
            (i % 2 == 0 ? a : b).deny(CLIENT, Reason.TOKEN_MALFORMED);
        }
        await(() -> a.blocked(CLIENT) && b.blocked(CLIENT), "blocked on both");

        Node restarted = new Node(Duration.ofMillis(500));
        await(() -> restarted.blocked(CLIENT), "the restarted instance holds the block");
        assertThat(restarted.events).isEmpty();
    }

    @Test
    void withoutRedisDetectionIsLocalAsBeforeAndItsBlockIsPublishedOnceRedisIsBack() throws Exception {
        Node a = new Node(Duration.ofMillis(500));
        Node b = new Node(Duration.ofMillis(500));
        redis.stop();
        await(() -> !a.connection.health().ok(), "degraded");
        for (int i = 0; i < 4; i++) {
            a.deny(CLIENT, Reason.TOKEN_MALFORMED);
        }
        assertThat(a.blocked(CLIENT)).isFalse();
        a.deny(CLIENT, Reason.TOKEN_MALFORMED);
        assertThat(a.blocked(CLIENT)).as("the local count blocks at once").isTrue();
        await(() -> a.events.size() == 1, "the local event");
        assertThat(a.events.get(0).fleetWide()).isFalse();
        assertThat(a.events.get(0).count()).isEqualTo(5);
        assertThat(b.blocked(CLIENT)).isFalse();

        redis.restart();
        await(() -> b.blocked(CLIENT), "the block published after the outage");
        assertThat(events()).isEqualTo(1);
    }

    @Test
    void keysHoldOnlyHashesOfAddressesAndSubjects() throws Exception {
        Node a = new Node(Duration.ofMillis(500));
        Node b = new Node(Duration.ofMillis(500));
        for (int i = 0; i < 4; i++) {
            (i % 2 == 0 ? a : b).detection.onDenial(CLIENT, "mock", "alice@example.com", Reason.GROUP_DENIED,
                    "/admin", System.currentTimeMillis());
        }
        await(() -> a.detection.isBlocked(null, "mock", "alice@example.com", System.currentTimeMillis()) != null
                && b.detection.isBlocked(null, "mock", "alice@example.com", System.currentTimeMillis()) != null,
                "the subject blocked on both");

        List<String> keys = a.connection.call(SharedStateListener.Op.GET, c -> c.keys("*")).get(5, TimeUnit.SECONDS);
        assertThat(keys).contains("test:d:client:" + FleetBlock.hash(CLIENT),
                "test:b:subject:" + FleetBlock.hash("mock/alice@example.com"), "test:blocks");
        assertThat(keys).allSatisfy(k -> assertThat(k).startsWith("test:").doesNotContain(CLIENT)
                .doesNotContain("alice").doesNotContain("example.com"));
    }

    /** {@code shared_state.redis.max_pending}: 50 here, so 250 denials while Redis hangs drop some (1000 would drop none). */
    @Test
    void aFloodBeyondThePendingBoundIsDroppedAndCountedNotQueued() throws Exception {
        int maxPending = 50;
        Node a = new Node(Duration.ofSeconds(10), maxPending);
        a.connection.call(SharedStateListener.Op.PING, c -> c.clientPause(8000)).get(5, TimeUnit.SECONDS);
        int sent = maxPending + 200;
        for (int i = 0; i < sent; i++) {
            a.deny("10.1." + (i / 250) + "." + (i % 250), Reason.TOKEN_MALFORMED);
        }
        assertThat(a.dropped.get()).isPositive().isLessThanOrEqualTo(sent - maxPending);
    }
}
