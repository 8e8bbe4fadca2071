package dev.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.SharedStateConfig;
import dev.portcullis.session.MemorySessionStore;
import dev.portcullis.session.RefreshClaim;
import dev.portcullis.session.Session;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.TokenSet;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The records of {@link RedisSessionStore}: two stores over one real redis-server (two instances of a fleet). */
class RedisSessionStoreTest {
    private static final long MAX_AGE = 3_600_000;
    private RedisServer server;
    private ScheduledExecutorService scheduler;
    private RedisConnection a;
    private RedisConnection b;
    private final byte[] oldKey = key();
    private final byte[] newKey = key();

    private static byte[] key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return k;
    }

    @BeforeEach
    void start() throws Exception {
        server = RedisServer.start();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        SharedStateConfig.Redis c = RedisConnectionTest.config(server.uri());
        a = RedisConnection.start(c, scheduler, SharedStateListener.NONE);
        b = RedisConnection.start(c, scheduler, SharedStateListener.NONE);
        RedisConnectionTest.await(() -> a.health().ok() && b.health().ok(), "both connected");
    }

    @AfterEach
    void stop() {
        a.close();
        b.close();
        scheduler.shutdownNow();
        server.close();
    }

    private RedisSessionStore store(RedisConnection c, byte[]... keys) {
        return new RedisSessionStore(new MemorySessionStore(), c, new SessionSealer(List.of(keys)), 16 * 1024, 10_000,
                MAX_AGE, System::currentTimeMillis, null);
    }

    private static Session session(String refresh) {
        long now = System.currentTimeMillis();
        return new Session("okta", "00u1", new TokenSet("access-token-xyz", refresh, null, now + 60_000), now, now);
    }

    @Test
    void createdOnAIsFoundOnBAndTheRawValueHoldsNoTokenAndExpiresWithTheMaxAge() throws Exception {
        RedisSessionStore onA = store(a, newKey);
        RedisSessionStore onB = store(b, newKey);
        String key = SessionIds.key("cookie-id-1");
        Session s = session("refresh-token-secret");
        onA.put(key, s);
        RedisConnectionTest.await(() -> exists(key), "written through");

        assertThat(onB.get(key)).as("not local on B before a fetch").isNull();
        assertThat(onB.fetch(key).get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(onB.get(key)).isEqualTo(s);

        byte[] raw = a.call(SharedStateListener.Op.GET, c -> c.get("test:s:" + key)).get(5, TimeUnit.SECONDS);
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain("refresh-token-secret").doesNotContain("access-token-xyz").doesNotContain("00u1");
        long ttl = a.call(SharedStateListener.Op.GET, c -> c.pttl("test:s:" + key)).get(5, TimeUnit.SECONDS);
        assertThat(ttl).isBetween(MAX_AGE - 60_000, MAX_AGE);
    }

    @Test
    void aRotatedKeyListStillReadsAndADroppedKeyDoesNot() throws Exception {
        String key = SessionIds.key("cookie-id-2");
        Session s = session("rt");
        store(a, oldKey).put(key, s);
        RedisConnectionTest.await(() -> exists(key), "written through");

        RedisSessionStore rotated = store(b, newKey, oldKey);
        assertThat(rotated.fetch(key).get(5, TimeUnit.SECONDS)).isTrue();
        assertThat(rotated.get(key)).isEqualTo(s);
        assertThat(store(b, newKey).fetch(key).get(5, TimeUnit.SECONDS)).isFalse();
    }

    @Test
    void aSessionBeyondTheSizeLimitIsNotShared() throws Exception {
        String key = SessionIds.key("cookie-id-3");
        RedisSessionStore onA = store(a, newKey);
        onA.put(key, session("r".repeat(20_000)));
        String small = SessionIds.key("cookie-id-3b");
        onA.put(small, session("rt")); // written after the large one: once it is there, the large one was refused
        RedisConnectionTest.await(() -> exists(small), "the small one written");

        assertThat(exists(key)).isFalse();
        assertThat(onA.get(key)).as("kept locally").isNotNull();
    }

    /** {@code shared_state.redis.max_session_size: 1024}: a 2 KB session, far under the default 16 KiB, stays local. */
    @Test
    void aSessionBeyondAConfiguredSizeLimitIsNotShared() throws Exception {
        SharedStateConfig.Redis config = RedisConnectionTest.config(server.uri()).withLimits(1024,
                SharedStateConfig.Redis.DEFAULT_REFRESH_LOCK, SharedStateConfig.Redis.DEFAULT_MAX_PENDING, null);
        RedisSessionStore onA = new RedisSessionStore(new MemorySessionStore(), a, new SessionSealer(List.of(newKey)),
                config.maxSessionSize(), config.refreshLock().toMillis(), MAX_AGE, System::currentTimeMillis, null);
        String key = SessionIds.key("cookie-id-4");
        onA.put(key, session("r".repeat(2_000)));
        String small = SessionIds.key("cookie-id-4b");
        onA.put(small, session("r".repeat(500))); // written after the large one: once it is there, the large one was refused
        RedisConnectionTest.await(() -> exists(small), "the small one written");

        assertThat(exists(key)).isFalse();
        assertThat(onA.get(key)).as("kept locally").isNotNull();
    }

    /** {@code shared_state.redis.refresh_lock: 30s}: the refresh lock's PX is 30 s, not the default 10 s. */
    @Test
    void theRefreshLockHoldsForTheConfiguredTime() throws Exception {
        SharedStateConfig.Redis config = RedisConnectionTest.config(server.uri()).withLimits(16 * 1024,
                Duration.ofSeconds(30), SharedStateConfig.Redis.DEFAULT_MAX_PENDING, null);
        RedisSessionStore onA = new RedisSessionStore(new MemorySessionStore(), a, new SessionSealer(List.of(newKey)),
                config.maxSessionSize(), config.refreshLock().toMillis(), MAX_AGE, System::currentTimeMillis, null);
        String key = SessionIds.key("cookie-id-5");
        onA.put(key, session("rt"));
        RedisConnectionTest.await(() -> exists(key), "written through");

        RefreshClaim claim = onA.claimRefresh(key).get(5, TimeUnit.SECONDS);
        assertThat(claim.kind()).isEqualTo(RefreshClaim.Kind.HELD);
        long ttl = a.call(SharedStateListener.Op.GET, c -> c.pttl("test:lock:" + key)).get(5, TimeUnit.SECONDS);
        assertThat(ttl).isGreaterThan(10_000).isLessThanOrEqualTo(30_000);
        onA.release(key, claim);
    }

    @Test
    void redisDownMeansAFetchFailsAtOnceAndHoldsNothing() throws Exception {
        String key = SessionIds.key("cookie-id-4");
        store(a, newKey).put(key, session("rt"));
        RedisConnectionTest.await(() -> exists(key), "written through");
        server.stop();
        RedisConnectionTest.await(() -> !b.health().ok(), "degraded");

        RedisSessionStore onB = store(b, newKey);
        // the store says it could not ask (Sessions counts an error and treats the id as unknown)
        assertThat(onB.fetch(key)).failsWithin(Duration.ofSeconds(5));
        assertThat(onB.get(key)).isNull();
    }

    private boolean exists(String key) {
        try {
            return a.call(SharedStateListener.Op.GET, c -> c.exists("test:s:" + key)).get(5, TimeUnit.SECONDS) == 1;
        } catch (Exception e) {
            return false;
        }
    }
}
