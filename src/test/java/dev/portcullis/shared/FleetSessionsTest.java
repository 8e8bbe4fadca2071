package dev.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.session.MemorySessionStore;
import dev.portcullis.session.OidcClient;
import dev.portcullis.session.SessionEnd;
import dev.portcullis.session.SessionEvents;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.SessionLookup;
import dev.portcullis.session.SessionSettings;
import dev.portcullis.session.SessionSettings.Lifetimes;
import dev.portcullis.session.Sessions;
import dev.portcullis.session.TokenSet;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Three instances' {@link Sessions} over one real redis-server, each with its own connection, bus and
 * near-cache, as a fleet runs them: a session begun on one is used, refreshed and ended on the others.
 */
class FleetSessionsTest {
    private static final Lifetimes LIFE = new Lifetimes(60_000, 12 * 3_600_000L, 3_600_000L);
    private static final SessionSettings SETTINGS = new SessionSettings(Map.of("okta", LIFE), 30_000, 100_000);
    private final byte[] sessionKey = new byte[32];
    private final Counting oidc = new Counting();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private RedisServer server;
    private ScheduledExecutorService scheduler;
    private Instance a;
    private Instance b;
    private Instance c;

    /** @param resyncs how often the bus resynced (the store's own resync runs first, in the same task) */
    private record Instance(Sessions sessions, RedisConnection redis, FleetBus bus, AtomicInteger resyncs) {
    }

    /** A token endpoint that counts its calls and answers them when the test says. */
    private static final class Counting implements OidcClient {
        final AtomicInteger calls = new AtomicInteger();
        final CopyOnWriteArrayList<CompletableFuture<TokenSet>> pending = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<TokenSet> refresh(String issuerId, String refreshToken) {
            calls.incrementAndGet();
            CompletableFuture<TokenSet> f = new CompletableFuture<>();
            pending.add(f);
            return f;
        }
    }

    @BeforeEach
    void start() throws Exception {
        new SecureRandom().nextBytes(sessionKey);
        server = RedisServer.start();
        scheduler = Executors.newScheduledThreadPool(2);
        a = instance();
        b = instance();
        c = instance();
        // the first resync drops what is held locally: only after it do the tests begin
        RedisConnectionTest.await(() -> a.resyncs.get() > 0 && b.resyncs.get() > 0 && c.resyncs.get() > 0,
                "buses up and resynced");
    }

    private Instance instance() throws Exception {
        RedisConnection redis = RedisConnection.start(RedisConnectionTest.config(server.uri()), scheduler,
                SharedStateListener.NONE);
        FleetBus bus = new FleetBus(redis, scheduler);
        RedisSessionStore store = new RedisSessionStore(new MemorySessionStore(), redis,
                new SessionSealer(List.of(sessionKey)), 16 * 1024, 10_000, LIFE.maxAgeMillis(), System::currentTimeMillis, bus);
        AtomicInteger resyncs = new AtomicInteger();
        bus.onResync(resyncs::incrementAndGet);
        bus.start();
        closing.add(bus);
        closing.add(redis);
        RedisConnectionTest.await(() -> redis.health().ok(), "connected");
        return new Instance(new Sessions(store, oidc, SETTINGS, SessionEvents.NONE, System::currentTimeMillis),
                redis, bus, resyncs);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable x : closing) {
            x.close();
        }
        scheduler.shutdownNow();
        server.close();
    }

    private static String signIn(Instance on, long expiresInMillis) {
        long now = System.currentTimeMillis();
        return on.sessions.start("okta", "00u1", new TokenSet("access-1", "refresh-1", "id-1", now + expiresInMillis),
                null, now);
    }

    /** A request's lookup as the request path makes it: wait for what is under way, then look again without waiting. */
    private static SessionLookup request(Instance on, String id) {
        SessionLookup l = on.sessions.lookup(id, System.currentTimeMillis(), true);
        if (l instanceof SessionLookup.Refreshing r) {
            assertThat(r.done()).succeedsWithin(Duration.ofSeconds(20));
            return on.sessions.lookup(id, System.currentTimeMillis(), false);
        }
        return l;
    }

    private static boolean shared(Instance on, String id) {
        return on.redis.call(SharedStateListener.Op.GET, x -> x.exists("test:s:" + SessionIds.key(id)))
                .handle((n, e) -> e == null && n == 1).join();
    }

    @Test
    void aSessionBegunOnAIsUsedOnBAndRedisHoldsNoTokenInTheClear() throws Exception {
        String id = signIn(a, 3_600_000);
        RedisConnectionTest.await(() -> shared(a, id), "written through");

        SessionLookup onB = request(b, id);

        assertThat(onB).isInstanceOf(SessionLookup.Usable.class);
        assertThat(((SessionLookup.Usable) onB).session().tokens().accessToken()).isEqualTo("access-1");
        List<String> keys = a.redis.call(SharedStateListener.Op.GET, x -> x.keys("test:*")).get(5, TimeUnit.SECONDS);
        assertThat(keys).isNotEmpty().noneMatch(k -> k.contains(id));
        for (String k : keys) {
            byte[] raw = a.redis.call(SharedStateListener.Op.GET, x -> x.dump(k)).get(5, TimeUnit.SECONDS);
            String text = new String(raw, StandardCharsets.ISO_8859_1);
            assertThat(text).doesNotContain("access-1").doesNotContain("refresh-1").doesNotContain("00u1");
        }
    }

    @Test
    void thirtyRequestsSpreadOverThreeInstancesCauseExactlyOneRefresh() throws Exception {
        String id = signIn(a, 30_000); // within refresh_before: due
        RedisConnectionTest.await(() -> shared(a, id), "written through");
        Instance[] fleet = {a, b, c};
        List<CompletableFuture<?>> waits = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            Instance on = fleet[i % 3];
            waits.add(CompletableFuture.supplyAsync(() -> on.sessions.lookup(id, System.currentTimeMillis(), true))
                    .thenCompose(l -> l instanceof SessionLookup.Refreshing r ? r.done()
                            : CompletableFuture.completedFuture(null)));
        }
        RedisConnectionTest.await(() -> oidc.calls.get() >= 1, "a refresh started");
        oidc.pending.get(0).complete(new TokenSet("access-2", "refresh-2", "id-2", System.currentTimeMillis() + 3_600_000));
        assertThat(CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new))).succeedsWithin(Duration.ofSeconds(30));

        assertThat(oidc.calls.get()).isEqualTo(1);
        for (Instance on : fleet) {
            SessionLookup l = on.sessions.lookup(id, System.currentTimeMillis(), false);
            assertThat(l).isInstanceOf(SessionLookup.Usable.class);
            SessionLookup.Usable u = (SessionLookup.Usable) l;
            assertThat(u.session().tokens().accessToken()).isEqualTo("access-2");
            assertThat(u.newId()).as("the rotated cookie").isNotNull();
            assertThat(request(on, u.newId())).isInstanceOf(SessionLookup.Usable.class);
        }
    }

    @Test
    void aSignOutOnAEndsTheSessionOnB() throws Exception {
        String id = signIn(a, 3_600_000);
        RedisConnectionTest.await(() -> shared(a, id), "written through");
        assertThat(request(b, id)).isInstanceOf(SessionLookup.Usable.class);
        assertThat(b.sessions.store().get(SessionIds.key(id))).as("held by B").isNotNull();

        a.sessions.end(id);

        RedisConnectionTest.await(() -> b.sessions.store().get(SessionIds.key(id)) == null, "B's copy dropped");
        assertThat(request(b, id)).isEqualTo(new SessionLookup.Ended(SessionEnd.UNKNOWN));
    }

    @Test
    void aRevocationOnBReachesASessionBNeverSaw() throws Exception {
        String id = signIn(a, 3_600_000);
        RedisConnectionTest.await(() -> shared(a, id), "written through");

        b.sessions.removeSubject("okta", "00u1");

        RedisConnectionTest.await(() -> !shared(a, id), "gone from Redis");
        RedisConnectionTest.await(() -> a.sessions.store().get(SessionIds.key(id)) == null, "A's copy dropped");
        assertThat(request(c, id)).isEqualTo(new SessionLookup.Ended(SessionEnd.UNKNOWN));
        assertThat(request(a, id)).isEqualTo(new SessionLookup.Ended(SessionEnd.UNKNOWN));
    }

    @Test
    void aMembershipChangeOnBMakesASessionBNeverSawRefreshAtItsNextRequestOnC() throws Exception {
        String id = signIn(a, 3_600_000);
        RedisConnectionTest.await(() -> shared(a, id), "written through");
        assertThat(request(c, id)).isInstanceOf(SessionLookup.Usable.class);
        assertThat(oidc.calls.get()).isZero();

        b.sessions.refreshSubject("okta", "00u1", System.currentTimeMillis());

        RedisConnectionTest.await(() -> c.sessions.store().get(SessionIds.key(id)) == null, "C's copy dropped");
        SessionLookup l = c.sessions.lookup(id, System.currentTimeMillis(), true);
        assertThat(l).isInstanceOf(SessionLookup.Refreshing.class);
        RedisConnectionTest.await(() -> oidc.calls.get() == 1, "the due session refreshed");
    }

    @Test
    void maxSessionsBoundsTheLocalCopiesOnlyAndTheEvictedSessionStaysInRedis() throws Exception {
        RedisSessionStore store = new RedisSessionStore(new MemorySessionStore(), a.redis,
                new SessionSealer(List.of(sessionKey)), 16 * 1024, 10_000, LIFE.maxAgeMillis(), System::currentTimeMillis, null);
        Sessions one = new Sessions(store, oidc, new SessionSettings(Map.of("okta", LIFE), 30_000, 1),
                SessionEvents.NONE, System::currentTimeMillis);
        String first = one.start("okta", "00u1", new TokenSet("access-1", "refresh-1", "id-1",
                System.currentTimeMillis() + 3_600_000), null, System.currentTimeMillis());
        RedisConnectionTest.await(() -> shared(a, first), "written through");
        String second = one.start("okta", "00u2", new TokenSet("access-2", "refresh-2", "id-2",
                System.currentTimeMillis() + 3_600_000), null, System.currentTimeMillis());

        assertThat(store.get(SessionIds.key(first))).as("evicted from the near-cache").isNull();
        assertThat(shared(a, first)).as("still in Redis").isTrue();
        assertThat(request(b, first)).isInstanceOf(SessionLookup.Usable.class);
        assertThat(second).isNotNull();
    }

    @Test
    void redisDownSendsUnknownSessionsToSignInKeepsKnownOnesAndRecovers() throws Exception {
        String id = signIn(a, 3_600_000);
        RedisConnectionTest.await(() -> shared(a, id), "written through");
        assertThat(request(b, id)).isInstanceOf(SessionLookup.Usable.class);

        server.stop();
        RedisConnectionTest.await(() -> !a.redis.health().ok() && !c.redis.health().ok(), "degraded");
        assertThat(request(b, id)).as("known on B").isInstanceOf(SessionLookup.Usable.class);
        assertThat(request(c, id)).as("unknown on C").isEqualTo(new SessionLookup.Ended(SessionEnd.UNKNOWN));
        String during = signIn(a, 3_600_000);
        assertThat(request(a, during)).isInstanceOf(SessionLookup.Usable.class);

        server.restart();
        RedisConnectionTest.await(() -> a.redis.health().ok() && b.redis.health().ok() && c.redis.health().ok(),
                "all reconnected");
        RedisConnectionTest.await(() -> shared(a, during), "the session begun during the outage written at resync");
        assertThat(request(c, during)).isInstanceOf(SessionLookup.Usable.class);
        String after = signIn(b, 3_600_000);
        RedisConnectionTest.await(() -> shared(b, after), "written through");
        assertThat(request(c, after)).isInstanceOf(SessionLookup.Usable.class);
    }
}
