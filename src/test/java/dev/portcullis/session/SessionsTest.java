package dev.portcullis.session;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.session.SessionEvents.RefreshOutcome;
import dev.portcullis.session.SessionSettings.Lifetimes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SessionsTest {
    /** refresh_before 60 s, max age 12 h, idle 1 h. */
    private static final Lifetimes LIFE = new Lifetimes(60_000, 12 * 3_600_000L, 3_600_000L);
    private static final long T0 = 1_000_000_000L;

    private final AtomicLong now = new AtomicLong(T0);
    private final CountingOidcClient oidc = new CountingOidcClient();
    private final MemorySessionStore store = new MemorySessionStore();
    private final Map<String, AtomicInteger> ended = new ConcurrentHashMap<>();
    private final SessionEvents events = new SessionEvents() {
        @Override
        public void refreshed(RefreshOutcome outcome) {
        }

        @Override
        public void ended(SessionEnd reason, int count) {
            ended.computeIfAbsent(reason.code(), k -> new AtomicInteger()).addAndGet(count);
        }
    };
    private ExecutorService pool;

    private Sessions sessions(long maxSessions) {
        return new Sessions(store, oidc, new SessionSettings(Map.of("okta", LIFE), 30_000, maxSessions), events,
                now::get);
    }

    private static TokenSet tokens(String access, String refresh, long expiresAt) {
        return new TokenSet(access, refresh, "id-" + access, expiresAt);
    }

    @AfterEach
    void stop() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    @Test
    void aFreshSessionIsUsableAndAnUnknownOrMalformedCookieIsNot() {
        Sessions s = sessions(10);
        String id = s.start("okta", "alice", tokens("a1", "r1", T0 + 600_000), null, T0);
        SessionLookup l = s.lookup(id, T0 + 1_000, true);
        assertThat(l).isInstanceOf(SessionLookup.Usable.class);
        assertThat(((SessionLookup.Usable) l).session().tokens().accessToken()).isEqualTo("a1");
        assertThat(((SessionLookup.Usable) l).newId()).isNull();
        assertThat(s.lookup(SessionIds.next(), T0, true)).isEqualTo(new SessionLookup.Ended(SessionEnd.UNKNOWN));
        assertThat(s.lookup("short", T0, true)).isEqualTo(new SessionLookup.Ended(SessionEnd.UNKNOWN));
        assertThat(s.lookup(null, T0, true)).isEqualTo(new SessionLookup.Ended(SessionEnd.UNKNOWN));
    }

    @Test
    void theAbsoluteLifetimeCountsFromSignInAcrossRefreshes() {
        Sessions s = sessions(10);
        String id = s.start("okta", "alice", tokens("a1", "r1", T0 + 600_000), null, T0);
        // refreshed every 10 minutes and used every minute: still over at 12 h after sign-in
        long t = T0;
        while (t < T0 + LIFE.maxAgeMillis() - 60_000) {
            t += 60_000;
            now.set(t);
            SessionLookup l = s.lookup(id, t, true);
            if (l instanceof SessionLookup.Refreshing r) {
                oidc.answer(tokens("a" + t, "r" + t, t + 600_000));
                assertThat(r.done().join()).isEqualTo(RefreshOutcome.REFRESHED);
                l = s.lookup(id, t, false);
            }
            assertThat(l).as("at %d", t - T0).isInstanceOf(SessionLookup.Usable.class);
            String next = ((SessionLookup.Usable) l).newId();
            id = next != null ? next : id;
        }
        assertThat(oidc.calls.get()).isGreaterThan(60);
        assertThat(s.lookup(id, T0 + LIFE.maxAgeMillis(), true)).isEqualTo(new SessionLookup.Ended(SessionEnd.MAX_AGE));
        assertThat(store.size()).isZero();
        assertThat(ended.get("max_age").get()).isEqualTo(1);
    }

    /** A membership change: the user's sessions refresh at their next request; other users' do not. */
    @Test
    void aMembershipChangeRefreshesTheUsersSessionsAtTheirNextRequest() {
        Sessions s = sessions(10);
        String a1 = s.start("okta", "alice", tokens("a1", "r1", T0 + 3_600_000), null, T0);
        String a2 = s.start("okta", "alice", tokens("a2", "r2", T0 + 3_600_000), null, T0);
        String bob = s.start("okta", "bob", tokens("b1", "r3", T0 + 3_600_000), null, T0);
        assertThat(s.lookup(a1, T0 + 1_000, true)).isInstanceOf(SessionLookup.Usable.class);
        assertThat(s.refreshSubject("okta", "alice", T0 + 2_000)).isEqualTo(2);
        assertThat(s.refreshSubject("other-issuer", "bob", T0 + 2_000)).isZero();
        SessionLookup l = s.lookup(a1, T0 + 3_000, true);
        assertThat(l).isInstanceOf(SessionLookup.Refreshing.class);
        oidc.answer(tokens("a1-new", "r1-new", T0 + 3_600_000));
        assertThat(((SessionLookup.Refreshing) l).done().join()).isEqualTo(RefreshOutcome.REFRESHED);
        assertThat(s.lookup(a2, T0 + 3_000, true)).isInstanceOf(SessionLookup.Refreshing.class);
        assertThat(s.lookup(bob, T0 + 3_000, true)).isInstanceOf(SessionLookup.Usable.class);
        // a token that expires sooner than the margin keeps its own expiry
        String soon = s.start("okta", "carol", tokens("c1", "r4", T0 + 4_000), null, T0);
        s.refreshSubject("okta", "carol", T0);
        assertThat(store.get(SessionIds.key(soon)).tokens().expiresAtMillis()).isEqualTo(T0 + 4_000);
    }

    @Test
    void anIdleSessionEndsAndUseKeepsItAlive() {
        Sessions s = sessions(10);
        String busy = s.start("okta", "alice", tokens("a1", "r1", T0 + 24 * 3_600_000L), null, T0);
        String idle = s.start("okta", "bob", tokens("b1", "r2", T0 + 24 * 3_600_000L), null, T0);
        for (long t = T0; t <= T0 + 2 * LIFE.idleMillis(); t += 600_000) {
            assertThat(s.lookup(busy, t, true)).isInstanceOf(SessionLookup.Usable.class);
        }
        assertThat(s.lookup(idle, T0 + LIFE.idleMillis(), true))
                .isEqualTo(new SessionLookup.Ended(SessionEnd.IDLE_TIMEOUT));
        assertThat(s.lookup(idle, T0 + LIFE.idleMillis(), true)).isEqualTo(new SessionLookup.Ended(SessionEnd.UNKNOWN));
    }

    @Test
    void lastSeenIsWrittenAtMostOncePerTouchInterval() {
        Sessions s = sessions(10);
        String id = s.start("okta", "alice", tokens("a1", "r1", T0 + 24 * 3_600_000L), null, T0);
        Session before = store.get(SessionIds.key(id));
        for (int i = 1; i < 100; i++) {
            s.lookup(id, T0 + i * 100, true); // ten seconds of requests, within one touch interval (30 s)
        }
        assertThat(store.get(SessionIds.key(id))).isSameAs(before);
        s.lookup(id, T0 + LIFE.touchEveryMillis(), true);
        assertThat(store.get(SessionIds.key(id)).lastSeenMillis()).isEqualTo(T0 + LIFE.touchEveryMillis());
    }

    @Test
    void theSweepDropsIdleAndOldSessionsAndExpiredAliases() {
        Sessions s = sessions(10);
        s.start("okta", "alice", tokens("a1", "r1", T0 + 24 * 3_600_000L), null, T0);
        String kept = s.start("okta", "bob", tokens("b1", "r2", T0 + 24 * 3_600_000L), null, T0);
        s.lookup(kept, T0 + LIFE.idleMillis() - 1_000, true);
        s.sweep(T0 + LIFE.idleMillis());
        assertThat(store.size()).isEqualTo(1);
        assertThat(s.lookup(kept, T0 + LIFE.idleMillis(), true)).isInstanceOf(SessionLookup.Usable.class);
        assertThat(ended.get("idle_timeout").get()).isEqualTo(1);
    }

    @Test
    void atTheBoundTheLeastRecentlyUsedSessionGoes() {
        Sessions s = sessions(3);
        String a = s.start("okta", "a", tokens("a", "r", T0 + 24 * 3_600_000L), null, T0);
        String b = s.start("okta", "b", tokens("b", "r", T0 + 24 * 3_600_000L), null, T0 + 1);
        String c = s.start("okta", "c", tokens("c", "r", T0 + 24 * 3_600_000L), null, T0 + 2);
        s.lookup(a, T0 + 60_000, true); // a is used again: b is now the least recently used
        String d = s.start("okta", "d", tokens("d", "r", T0 + 24 * 3_600_000L), null, T0 + 60_001);
        assertThat(store.size()).isEqualTo(3);
        assertThat(s.lookup(b, T0 + 60_002, true)).isEqualTo(new SessionLookup.Ended(SessionEnd.UNKNOWN));
        for (String kept : List.of(a, c, d)) {
            assertThat(s.lookup(kept, T0 + 60_002, true)).isInstanceOf(SessionLookup.Usable.class);
        }
        assertThat(ended.get("evicted").get()).isEqualTo(1);
    }

    @Test
    void removeSubjectEndsExactlyThatUsersSessions() {
        Sessions s = sessions(100);
        List<String> alice = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            alice.add(s.start("okta", "alice", tokens("a" + i, "r", T0 + 3_600_000), null, T0));
        }
        String aliceElsewhere = s.start("other", "alice", tokens("x", "r", T0 + 3_600_000), null, T0);
        String bob = s.start("okta", "bob", tokens("b", "r", T0 + 3_600_000), null, T0);
        assertThat(s.removeSubject("okta", "alice")).isEqualTo(3);
        alice.forEach(id -> assertThat(store.get(SessionIds.key(id))).isNull());
        assertThat(store.get(SessionIds.key(aliceElsewhere))).isNotNull();
        assertThat(store.get(SessionIds.key(bob))).isNotNull();
        assertThat(s.removeSubject("okta", "alice")).isZero();
        assertThat(ended.get("revoked").get()).isEqualTo(3);
    }

    @Test
    void aRefreshRotatesTheIdAndTheOldIdLeadsToTheNewSessionWithinTheGrace() {
        Sessions s = sessions(10);
        String old = s.start("okta", "alice", tokens("a1", "r1", T0 + 30_000), null, T0);
        SessionLookup l = s.lookup(old, T0, true);
        assertThat(l).isInstanceOf(SessionLookup.Refreshing.class);
        oidc.answer(tokens("a2", "r2", T0 + 600_000));
        ((SessionLookup.Refreshing) l).done().join();
        SessionLookup.Usable u = (SessionLookup.Usable) s.lookup(old, T0 + 1_000, false);
        String neu = u.newId();
        assertThat(neu).isNotNull().isNotEqualTo(old);
        assertThat(u.event()).isEqualTo("rotated_cookie");
        assertThat(u.session().tokens().accessToken()).isEqualTo("a2");
        assertThat(u.session().tokens().refreshToken()).isEqualTo("r2");
        assertThat(u.session().createdAtMillis()).isEqualTo(T0);
        SessionLookup.Usable direct = (SessionLookup.Usable) s.lookup(neu, T0 + 1_000, true);
        assertThat(direct.newId()).isNull();
        assertThat(store.get(SessionIds.key(old))).isNull(); // only an alias is left, and it holds no usable id
        assertThat(store.alias(SessionIds.key(old)).sealedNewId()).isNotEqualTo(neu);
        assertThat(s.lookup(old, T0 + 29_999, true)).isInstanceOf(SessionLookup.Usable.class);
        assertThat(s.lookup(old, T0 + 30_000, true)).isEqualTo(new SessionLookup.Ended(SessionEnd.UNKNOWN));
        assertThat(s.lookup(neu, T0 + 30_000, true)).isInstanceOf(SessionLookup.Usable.class);
    }

    @Test
    void aTouchDuringTheRotationLeavesNoSessionUnderTheOldKey() {
        TouchingStore touchy = new TouchingStore(now::get);
        Sessions s = new Sessions(touchy, oidc, new SessionSettings(Map.of("okta", LIFE), 30_000, 10), events, now::get);
        String old = s.start("okta", "alice", tokens("a1", "r1", T0 + 30_000), null, T0);
        SessionLookup.Refreshing r = (SessionLookup.Refreshing) s.lookup(old, T0, true);
        oidc.answer(tokens("a2", "r2", T0 + 600_000));
        r.done().join();
        assertThat(touchy.get(SessionIds.key(old))).isNull();
        assertThat(((SessionLookup.Usable) s.lookup(old, T0 + 10, true)).session().tokens().refreshToken())
                .isEqualTo("r2");
        assertThat(oidc.calls.get()).isEqualTo(1);
    }

    /**
     * A request read the session just before a refresh that was under way finished and rotated it:
     * it must not refresh again (with the spent refresh token, which an issuer with reuse detection
     * answers by ending the whole family), but go on with the new session.
     */
    @Test
    void aRequestThatReadTheSessionBeforeARefreshFinishedDoesNotRefreshAgain() {
        RacingStore racing = new RacingStore();
        Sessions s = new Sessions(racing, oidc, new SessionSettings(Map.of("okta", LIFE), 30_000, 10), events, now::get);
        String old = s.start("okta", "alice", tokens("a1", "r1", T0 + 30_000), null, T0);
        SessionLookup.Refreshing first = (SessionLookup.Refreshing) s.lookup(old, T0, true);
        // the second request reads the old session; then the first refresh lands and rotates it
        racing.afterNextGet = () -> oidc.answer(tokens("a2", "r2", T0 + 600_000));
        SessionLookup second = s.lookup(old, T0 + 1, true);
        assertThat(first.done().join()).isEqualTo(RefreshOutcome.REFRESHED);
        assertThat(oidc.calls.get()).as("one refresh, with r1 only").isEqualTo(1);
        assertThat(oidc.refreshTokens).containsExactly("r1");
        if (second instanceof SessionLookup.Refreshing r) {
            assertThat(r.done().getNow(null)).isEqualTo(RefreshOutcome.REFRESHED);
        }
        SessionLookup.Usable u = (SessionLookup.Usable) s.lookup(old, T0 + 2, false);
        assertThat(u.session().tokens().accessToken()).isEqualTo("a2");
    }

    @Test
    void anIssuerThatDoesNotRotateTheRefreshTokenLeavesTheOldOneInPlace() {
        Sessions s = sessions(10);
        String id = s.start("okta", "alice", tokens("a1", "r1", T0 + 30_000), null, T0);
        SessionLookup.Refreshing r = (SessionLookup.Refreshing) s.lookup(id, T0, true);
        oidc.answer(new TokenSet("a2", null, null, T0 + 600_000));
        r.done().join();
        SessionLookup.Usable u = (SessionLookup.Usable) s.lookup(id, T0, false);
        assertThat(u.session().tokens().refreshToken()).isEqualTo("r1");
        assertThat(u.session().tokens().idToken()).isEqualTo("id-a1");
        assertThat(oidc.refreshTokens).containsExactly("r1");
    }

    @Test
    void aRefusedRefreshEndsTheSession() {
        Sessions s = sessions(10);
        String id = s.start("okta", "alice", tokens("a1", "r1", T0 + 30_000), null, T0);
        SessionLookup.Refreshing r = (SessionLookup.Refreshing) s.lookup(id, T0, true);
        oidc.fail(new OidcClient.RefreshRefused("invalid_grant"));
        assertThat(r.done().join()).isEqualTo(RefreshOutcome.REFUSED);
        assertThat(s.lookup(id, T0, false)).isInstanceOf(SessionLookup.Ended.class);
        assertThat(store.size()).isZero();
        assertThat(ended.get("refresh_failed").get()).isEqualTo(1);
    }

    @Test
    void anUnreachableIssuerLetsAStillValidTokenGoOnButNeverAnExpiredOne() {
        Sessions s = sessions(10);
        String id = s.start("okta", "alice", tokens("a1", "r1", T0 + 30_000), null, T0);
        SessionLookup.Refreshing r = (SessionLookup.Refreshing) s.lookup(id, T0, true);
        oidc.fail(new java.io.IOException("connection refused"));
        assertThat(r.done().join()).isEqualTo(RefreshOutcome.UNREACHABLE);
        assertThat(s.lookup(id, T0, false)).isInstanceOf(SessionLookup.Usable.class);
        // within the retry interval requests go on without waiting; after it they try again
        assertThat(s.lookup(id, T0 + 1_000, true)).isInstanceOf(SessionLookup.Usable.class);
        assertThat(s.lookup(id, T0 + SessionRefresh.RETRY_MILLIS, true)).isInstanceOf(SessionLookup.Refreshing.class);
        oidc.fail(new java.io.IOException("connection refused"));
        // expired: waits for a refresh, and when that fails too the answer is 503, not the expired token
        SessionLookup.Refreshing again = (SessionLookup.Refreshing) s.lookup(id, T0 + 30_000, true);
        oidc.fail(new java.io.IOException("connection refused"));
        again.done().join();
        assertThat(s.lookup(id, T0 + 30_000, false)).isInstanceOf(SessionLookup.Unavailable.class);
        assertThat(store.size()).isEqualTo(1);
        assertThat(oidc.calls.get()).isEqualTo(3);
    }

    @Test
    void thirtyConcurrentRequestsCauseExactlyOneRefreshAndAllGoOnWithTheNewToken() throws Exception {
        Sessions s = sessions(10);
        String id = s.start("okta", "alice", tokens("a1", "r1", T0 + 30_000), null, T0);
        pool = Executors.newFixedThreadPool(30);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<SessionLookup>> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            all.add(pool.submit(() -> {
                go.await();
                SessionLookup l = s.lookup(id, T0 + 1_000, true);
                if (l instanceof SessionLookup.Refreshing r) {
                    r.done().get(30, TimeUnit.SECONDS);
                    l = s.lookup(id, T0 + 1_000, false);
                }
                return l;
            }));
        }
        go.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (oidc.pending.isEmpty() && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        oidc.answer(tokens("a2", "r2", T0 + 600_000));
        for (Future<SessionLookup> f : all) {
            SessionLookup.Usable u = (SessionLookup.Usable) f.get(30, TimeUnit.SECONDS);
            assertThat(u.session().tokens().accessToken()).isEqualTo("a2");
        }
        assertThat(oidc.calls.get()).isEqualTo(1);
    }
}
