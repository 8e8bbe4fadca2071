package dev.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.SharedStateConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The connection against a real redis-server: calls, health, metrics, an outage and the recovery. */
class RedisConnectionTest {
    private RedisServer redis;
    private ScheduledExecutorService scheduler;
    private RedisConnection connection;
    private final Recorder listener = new Recorder();

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        connection = RedisConnection.start(config(redis.uri()), scheduler, listener);
        await(() -> connection.health().ok(), "connected");
    }

    @AfterEach
    void stop() {
        connection.close();
        scheduler.shutdownNow();
        redis.close();
    }

    static SharedStateConfig.Redis config(String uri) {
        return new SharedStateConfig.Redis(uri, null, null, null, "test:", List.of(), Duration.ofMillis(500));
    }

    @Test
    void callsGoThroughAndReportOk() throws Exception {
        connection.call(SharedStateListener.Op.SET, c -> c.set("test:k", new byte[] {1, 2})).get(5, TimeUnit.SECONDS);
        byte[] v = connection.call(SharedStateListener.Op.GET, c -> c.get("test:k")).get(5, TimeUnit.SECONDS);

        assertThat(v).containsExactly(1, 2);
        assertThat(connection.health().status()).isEqualTo("ok");
        assertThat(listener.up.get()).isEqualTo(1);
    }

    @Test
    void anOutageDegradesWithoutThrowingAndTheConnectionRecovers() throws Exception {
        redis.stop();
        await(() -> !connection.health().ok(), "degraded");
        assertThat(connection.health().status()).isEqualTo("degraded");
        assertThat(listener.up.get()).isEqualTo(0);

        // A call while Redis is down fails its future at once: nothing is thrown at the caller.
        CompletableFuture<byte[]> f = connection.call(SharedStateListener.Op.GET, c -> c.get("test:k"));
        assertThat(f).failsWithin(Duration.ofSeconds(5));
        assertThat(listener.errors.getOrDefault(SharedStateListener.Op.GET, new AtomicInteger()).get()).isPositive();

        redis.restart();
        await(() -> connection.health().ok(), "recovered");
        assertThat(listener.up.get()).isEqualTo(1);
        assertThat(connection.call(SharedStateListener.Op.SET, c -> c.set("test:k", new byte[] {3}))
                .get(5, TimeUnit.SECONDS)).isEqualTo("OK");
    }

    @Test
    void redisDownAtStartIsDegradedThenConnects() throws Exception {
        RedisServer later = RedisServer.start();
        later.stop();
        try (RedisConnection c = RedisConnection.start(config(later.uri()), scheduler, SharedStateListener.NONE)) {
            assertThat(c.health().status()).isEqualTo("degraded");
            assertThat(c.call(SharedStateListener.Op.GET, x -> x.get("test:k"))).failsWithin(Duration.ofSeconds(5));
            later.restart();
            await(() -> c.health().ok(), "connected once Redis is up");
        } finally {
            later.close();
        }
    }

    static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("waited 30s for: %s", what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static final class Recorder implements SharedStateListener {
        final AtomicInteger up = new AtomicInteger(-1);
        final Map<Op, AtomicInteger> errors = new ConcurrentHashMap<>();

        @Override
        public void up(boolean isUp) {
            up.set(isUp ? 1 : 0);
        }

        @Override
        public void failed(Op op) {
            errors.computeIfAbsent(op, o -> new AtomicInteger()).incrementAndGet();
        }
    }
}
