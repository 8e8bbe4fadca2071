package dev.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.SharedStateConfig;
import dev.portcullis.session.MemorySessionStore;
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

/** WIP: two stores over one real redis-server (two instances of a fleet). */
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
        return new RedisSessionStore(new MemorySessionStore(), c, new SessionSealer(List.of(keys)),
                new SessionCodec(16 * 1024), MAX_AGE, System::currentTimeMillis);
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
        onA.write(key, s).get(5, TimeUnit.SECONDS);
        onA.put(key, s);

        assertThat(onB.get(key)).as("not local on B before a fetch").isNull();
        assertThat(onB.fetch(key).get(5, TimeUnit.SECONDS)).isEqualTo(s);
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
        store(a, oldKey).write(key, s).get(5, TimeUnit.SECONDS);

        assertThat(store(b, newKey, oldKey).fetch(key).get(5, TimeUnit.SECONDS)).isEqualTo(s);
        assertThat(store(b, newKey).fetch(key).get(5, TimeUnit.SECONDS)).isNull();
    }

    @Test
    void aSessionBeyondTheSizeLimitIsNotShared() throws Exception {
        String key = SessionIds.key("cookie-id-3");
        store(a, newKey).write(key, session("r".repeat(20_000))).get(5, TimeUnit.SECONDS);

        assertThat(a.call(SharedStateListener.Op.GET, c -> c.exists("test:s:" + key)).get(5, TimeUnit.SECONDS)).isZero();
    }

    @Test
    void redisDownMeansUnknownHereIsNoSessionWithoutAnException() throws Exception {
        String key = SessionIds.key("cookie-id-4");
        store(a, newKey).write(key, session("rt")).get(5, TimeUnit.SECONDS);
        server.stop();
        RedisConnectionTest.await(() -> !b.health().ok(), "degraded");

        assertThat(store(b, newKey).fetch(key)).succeedsWithin(Duration.ofSeconds(5)).isNull();
    }
}
