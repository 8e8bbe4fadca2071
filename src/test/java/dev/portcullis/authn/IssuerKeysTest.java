package dev.portcullis.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.AuthResult.Authenticated;
import dev.portcullis.authn.AuthResult.AwaitKeys;
import dev.portcullis.authn.AuthResult.Refused;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.IssuerConfig;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Date;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The key source seen through the authenticator: rotation, rate-limited refetches, failures that
 * keep the held keys, the first load, discovery, and when refreshes are scheduled.
 */
class IssuerKeysTest {
    private static final String ISS = "https://dev-123456.okta.com/oauth2/default";
    private static final String AUD = "api://default";
    private static final URI JWKS = URI.create("https://dev-123456.okta.com/oauth2/default/v1/keys");
    private static final URI DISCOVERED = URI.create("https://keys.example.com/okta/v1/keys");
    private static final Duration REFRESH = Duration.ofHours(1);
    private static final Duration MIN_REFETCH = Duration.ofSeconds(10);

    private static RSAKey k1;
    private static RSAKey k2;
    private static RSAKey k3;

    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T12:00:00Z"));
    private final FakeFetcher fetcher = new FakeFetcher();
    private final List<String> fetchEvents = new CopyOnWriteArrayList<>();
    private ManualScheduler scheduler;

    @BeforeAll
    static void generateKeys() throws JOSEException {
        k1 = new RSAKeyGenerator(2048).keyID("k1").generate();
        k2 = new RSAKeyGenerator(2048).keyID("k2").generate();
        k3 = new RSAKeyGenerator(2048).keyID("k3").generate();
    }

    @BeforeEach
    void createScheduler() {
        scheduler = new ManualScheduler();
    }

    @AfterEach
    void shutDownScheduler() {
        scheduler.shutdownNow();
    }

    // ---- fakes ------------------------------------------------------------------------------

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    }

    /** A key source that answers as told, and counts what it was asked. */
    static final class FakeFetcher implements KeyFetcher {
        final List<String> discoveries = new CopyOnWriteArrayList<>();
        final List<URI> fetches = new CopyOnWriteArrayList<>();
        volatile boolean discoveryFails;
        private volatile Supplier<CompletableFuture<FetchedKeys>> answer = () ->
                CompletableFuture.failedFuture(new IOException("nothing to serve yet"));

        void serve(JWK... keys) {
            serve(OptionalLong.empty(), keys);
        }

        void serve(OptionalLong maxAge, JWK... keys) {
            JWKSet set = new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList());
            answer = () -> CompletableFuture.completedFuture(new FetchedKeys(set, maxAge));
        }

        void fail() {
            answer = () -> CompletableFuture.failedFuture(new IOException("keys endpoint answered 503"));
        }

        /** The next fetches get this future, which the test completes when it wants. */
        CompletableFuture<FetchedKeys> hold() {
            CompletableFuture<FetchedKeys> pending = new CompletableFuture<>();
            answer = () -> pending;
            return pending;
        }

        static FetchedKeys keys(JWK... keys) {
            return new FetchedKeys(new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList()),
                    OptionalLong.empty());
        }

        @Override
        public CompletableFuture<URI> discover(String issuer) {
            discoveries.add(issuer);
            return discoveryFails ? CompletableFuture.failedFuture(new IOException("discovery answered 404"))
                    : CompletableFuture.completedFuture(DISCOVERED);
        }

        @Override
        public CompletableFuture<FetchedKeys> fetchKeys(URI jwksUri) {
            fetches.add(jwksUri);
            return answer.get();
        }
    }

    /**
     * Records what is scheduled and runs nothing by itself: the test runs the next task when it
     * wants. A cancelled task is never run.
     */
    static final class ManualScheduler extends ScheduledThreadPoolExecutor {
        final List<Long> delaysMillis = new CopyOnWriteArrayList<>();
        private final Deque<Map.Entry<ScheduledFuture<?>, Runnable>> tasks = new ArrayDeque<>();

        ManualScheduler() {
            super(1);
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return record(command, delay, unit);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return (ScheduledFuture<V>) record(() -> {
                try {
                    callable.call();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, delay, unit);
        }

        private ScheduledFuture<?> record(Runnable task, long delay, TimeUnit unit) {
            // A handle that can be cancelled; it never fires within a test.
            ScheduledFuture<?> handle = super.schedule(() -> null, 1, TimeUnit.DAYS);
            synchronized (tasks) {
                delaysMillis.add(unit.toMillis(delay));
                tasks.add(Map.entry(handle, task));
            }
            return handle;
        }

        /** Tasks scheduled and neither run nor cancelled. */
        int pending() {
            synchronized (tasks) {
                return (int) tasks.stream().filter(t -> !t.getKey().isCancelled()).count();
            }
        }

        void runNext() {
            Map.Entry<ScheduledFuture<?>, Runnable> next;
            synchronized (tasks) {
                do {
                    next = tasks.poll();
                } while (next != null && next.getKey().isCancelled());
            }
            assertThat(next).as("a scheduled task").isNotNull();
            next.getValue().run();
        }
    }

    // ---- token builder and wiring -----------------------------------------------------------

    /** A valid token signed with {@code key}, under its kid, minted at the clock's current time. */
    private String token(RSAKey key) {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISS).audience(AUD).subject("alice")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(300)))
                .claim("groups", List.of("orders-readers")).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private IssuerKeys keys(URI jwksUri) {
        return new IssuerKeys("okta", ISS, jwksUri, REFRESH, MIN_REFETCH, fetcher, scheduler, clock,
                (id, ok, n) -> fetchEvents.add(id + (ok ? " ok " : " failed ") + n));
    }

    private Authenticator authenticator(IssuerKeys keys) {
        IssuerConfig config = new IssuerConfig("okta", ISS, List.of(AUD), JWKS.toString(), "groups", "email",
                List.of("RS256"), Duration.ofSeconds(30), null, REFRESH, MIN_REFETCH);
        return new Authenticator(List.of(config), Map.of("okta", keys), clock);
    }

    private static Reason reasonOf(AuthResult r) {
        assertThat(r).isInstanceOf(Refused.class);
        return ((Refused) r).reason();
    }

    private static CompletableFuture<Void> awaited(AuthResult r) {
        assertThat(r).isInstanceOf(AwaitKeys.class);
        return ((AwaitKeys) r).ready();
    }

    // ---- cases ------------------------------------------------------------------------------

    @Test
    void anUnknownKidWaitsForOneRefetchAndTheRetryAuthenticates() {
        fetcher.serve(k1);
        IssuerKeys keys = keys(JWKS);
        keys.start();
        Authenticator auth = authenticator(keys);
        clock.advance(Duration.ofSeconds(20));
        CompletableFuture<KeyFetcher.FetchedKeys> pending = fetcher.hold();

        CompletableFuture<Void> ready = awaited(auth.authenticate(token(k2), null, true));

        assertThat(ready).isNotDone();
        assertThat(fetcher.fetches).hasSize(2);
        // concurrent unknown kids share the fetch in flight
        assertThat(awaited(auth.authenticate(token(k3), null, true))).isSameAs(ready);
        assertThat(fetcher.fetches).hasSize(2);
        // the held key keeps working meanwhile
        assertThat(auth.authenticate(token(k1), null, true)).isInstanceOf(Authenticated.class);

        pending.complete(FakeFetcher.keys(k1, k2));

        assertThat(ready).isCompleted();
        assertThat(auth.authenticate(token(k2), null, false)).isInstanceOf(Authenticated.class);
        assertThat(reasonOf(auth.authenticate(token(k3), null, false))).isEqualTo(Reason.KEY_UNKNOWN);
        assertThat(keys.keyCount()).isEqualTo(2);
        assertThat(fetcher.fetches).containsOnly(JWKS).hasSize(2);
    }

    @Test
    void unknownKidsWithinTheMinimumIntervalCauseNoFetch() {
        fetcher.serve(k1);
        IssuerKeys keys = keys(JWKS);
        keys.start();
        Authenticator auth = authenticator(keys);

        // right after the first load: too soon to fetch again
        clock.advance(Duration.ofSeconds(5));
        assertThat(reasonOf(auth.authenticate(token(k2), null, true))).isEqualTo(Reason.KEY_UNKNOWN);
        assertThat(fetcher.fetches).hasSize(1);

        clock.advance(Duration.ofSeconds(15));
        fetcher.serve(k1, k2);
        assertThat(awaited(auth.authenticate(token(k2), null, true))).isCompleted();
        assertThat(auth.authenticate(token(k2), null, false)).isInstanceOf(Authenticated.class);
        assertThat(fetcher.fetches).hasSize(2);

        // a flood of made-up kids within the interval: no fetch at all
        clock.advance(Duration.ofSeconds(9));
        for (int i = 0; i < 100; i++) {
            assertThat(reasonOf(auth.authenticate(token(k3), null, true))).isEqualTo(Reason.KEY_UNKNOWN);
        }
        assertThat(keys.refetchForUnknownKid()).isNull();
        assertThat(fetcher.fetches).hasSize(2);

        // once the interval has passed, one more fetch
        clock.advance(Duration.ofSeconds(1));
        assertThat(awaited(auth.authenticate(token(k3), null, true))).isCompleted();
        assertThat(fetcher.fetches).hasSize(3);
    }

    @Test
    void whenTheKeysEndpointFailsTheHeldKeysKeepServing() {
        fetcher.serve(k1);
        IssuerKeys keys = keys(JWKS);
        keys.start();
        Authenticator auth = authenticator(keys);
        fetcher.fail();
        clock.advance(Duration.ofSeconds(20));

        CompletableFuture<Void> ready = awaited(auth.authenticate(token(k2), null, true));

        // the wait ends normally: the retry decides, and a failed fetch is no reason to fail the request
        assertThat(ready).isCompleted();
        assertThat(fetcher.fetches).hasSize(2);
        // the kid could not be looked up because the endpoint fails: our outage (503), not a bad token
        assertThat(reasonOf(auth.authenticate(token(k2), null, false))).isEqualTo(Reason.KEYS_UNAVAILABLE);
        assertThat(auth.authenticate(token(k1), null, true)).isInstanceOf(Authenticated.class);
        assertThat(keys.isLoaded()).isTrue();
        assertThat(keys.keyCount()).isEqualTo(1);
        assertThat(fetchEvents).containsExactly("okta ok 1", "okta failed 1");
    }

    static Stream<Arguments> uselessKeySets() throws JOSEException {
        RSAKey encryption = new RSAKey.Builder(new RSAKeyGenerator(2048).keyID("enc").generate().toPublicJWK())
                .keyUse(KeyUse.ENCRYPTION).build();
        return Stream.of(
                arguments("an empty key set", new JWKSet()),
                arguments("only an encryption key", new JWKSet(encryption)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("uselessKeySets")
    void aKeySetWithNothingUsableKeepsTheHeldKeys(String name, JWKSet served) {
        fetcher.serve(k1);
        IssuerKeys keys = keys(JWKS);
        keys.start();
        Authenticator auth = authenticator(keys);
        fetcher.serve(served.getKeys().toArray(JWK[]::new));

        scheduler.runNext();

        assertThat(fetcher.fetches).hasSize(2);
        assertThat(keys.keyCount()).isEqualTo(1);
        assertThat(auth.authenticate(token(k1), null, false)).isInstanceOf(Authenticated.class);
        assertThat(fetchEvents).containsExactly("okta ok 1", "okta failed 1");
    }

    @Test
    void untilTheFirstLoadRequestsWaitAndThenKeysAreUnavailable() {
        CompletableFuture<KeyFetcher.FetchedKeys> pending = fetcher.hold();
        IssuerKeys keys = keys(JWKS);
        keys.start();
        Authenticator auth = authenticator(keys);

        CompletableFuture<Void> ready = awaited(auth.authenticate(token(k1), null, true));

        assertThat(ready).isSameAs(keys.firstLoad()).isNotDone();
        assertThat(keys.isLoaded()).isFalse();
        // the retry after a bounded wait must not wait again: 503, not 401
        assertThat(reasonOf(auth.authenticate(token(k1), null, false))).isEqualTo(Reason.KEYS_UNAVAILABLE);
        // further requests share the first load; no other fetch is started
        assertThat(awaited(auth.authenticate(token(k2), null, true))).isSameAs(ready);
        assertThat(fetcher.fetches).hasSize(1);

        pending.complete(FakeFetcher.keys(k1));

        assertThat(ready).isCompleted();
        assertThat(auth.authenticate(token(k1), null, false)).isInstanceOf(Authenticated.class);
        assertThat(reasonOf(auth.authenticate(token(k2), null, false))).isEqualTo(Reason.KEY_UNKNOWN);
    }

    @Test
    void aFailedFirstLoadIsRetriedWithBackoffAndWaitersAreReleasedByTheFirstSuccess() {
        fetcher.fail();
        IssuerKeys keys = keys(JWKS);
        keys.start();
        Authenticator auth = authenticator(keys);

        CompletableFuture<Void> ready = awaited(auth.authenticate(token(k1), null, true));
        assertThat(ready).isNotDone();
        assertThat(reasonOf(auth.authenticate(token(k1), null, false))).isEqualTo(Reason.KEYS_UNAVAILABLE);

        scheduler.runNext();
        scheduler.runNext();
        assertThat(ready).isNotDone();
        fetcher.serve(k1);
        scheduler.runNext();

        assertThat(ready).isCompleted();
        assertThat(auth.authenticate(token(k1), null, false)).isInstanceOf(Authenticated.class);
        // 1 s, 2 s, 4 s after failures, then 80 % of the refresh interval
        assertThat(scheduler.delaysMillis).containsExactly(1_000L, 2_000L, 4_000L, 2_880_000L);
        assertThat(fetchEvents).containsExactly("okta failed 0", "okta failed 0", "okta failed 0", "okta ok 1");
    }

    @Test
    void backoffAfterFailuresIsCappedAtOneMinute() {
        fetcher.fail();
        IssuerKeys keys = keys(JWKS);
        keys.start();
        for (int i = 0; i < 9; i++) {
            scheduler.runNext();
        }

        assertThat(scheduler.delaysMillis).containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L,
                60_000L, 60_000L, 60_000L, 60_000L);
    }

    @Test
    void discoveryFindsTheKeysWhenNoJwksUriIsConfigured() {
        fetcher.serve(k1);
        IssuerKeys keys = keys(null);
        keys.start();
        Authenticator auth = authenticator(keys);

        assertThat(fetcher.discoveries).containsExactly(ISS);
        assertThat(fetcher.fetches).containsExactly(DISCOVERED);
        assertThat(auth.authenticate(token(k1), null, false)).isInstanceOf(Authenticated.class);

        // later fetches reuse the discovered address
        fetcher.serve(k1, k2);
        clock.advance(Duration.ofSeconds(20));
        assertThat(awaited(auth.authenticate(token(k2), null, true))).isCompleted();
        assertThat(auth.authenticate(token(k2), null, false)).isInstanceOf(Authenticated.class);
        assertThat(fetcher.discoveries).hasSize(1);
        assertThat(fetcher.fetches).containsExactly(DISCOVERED, DISCOVERED);
    }

    @Test
    void aConfiguredJwksUriNeedsNoDiscovery() {
        fetcher.serve(k1);
        IssuerKeys keys = keys(JWKS);
        keys.start();

        assertThat(fetcher.discoveries).isEmpty();
        assertThat(fetcher.fetches).containsExactly(JWKS);
        assertThat(keys.isLoaded()).isTrue();
    }

    @Test
    void failingDiscoveryLeavesKeysUnavailable() {
        fetcher.discoveryFails = true;
        fetcher.serve(k1);
        IssuerKeys keys = keys(null);
        keys.start();
        Authenticator auth = authenticator(keys);

        assertThat(fetcher.fetches).isEmpty();
        assertThat(reasonOf(auth.authenticate(token(k1), null, false))).isEqualTo(Reason.KEYS_UNAVAILABLE);

        fetcher.discoveryFails = false;
        scheduler.runNext();

        assertThat(fetcher.discoveries).hasSize(2);
        assertThat(auth.authenticate(token(k1), null, false)).isInstanceOf(Authenticated.class);
    }

    @Test
    void keysAreRediscoveredAfterRepeatedFailures() {
        fetcher.serve(k1);
        IssuerKeys keys = keys(null);
        keys.start();
        fetcher.fail();

        scheduler.runNext(); // scheduled refresh: fails once, same address
        scheduler.runNext(); // fails twice: the issuer may have moved its keys
        fetcher.serve(k2);
        scheduler.runNext();

        assertThat(fetcher.discoveries).hasSize(2);
        assertThat(fetcher.fetches).hasSize(4);
        assertThat(keys.find("k2")).isNotNull();
        assertThat(keys.find("k1")).as("keys are replaced, not merged").isNull();
    }

    @Test
    void aScheduledRefreshReplacesTheKeys() {
        fetcher.serve(k1);
        IssuerKeys keys = keys(JWKS);
        keys.start();
        Authenticator auth = authenticator(keys);
        fetcher.serve(k2);

        scheduler.runNext();

        assertThat(auth.authenticate(token(k2), null, false)).isInstanceOf(Authenticated.class);
        assertThat(reasonOf(auth.authenticate(token(k1), null, false))).isEqualTo(Reason.KEY_UNKNOWN);
    }

    /**
     * A refetch for an unknown kid must not start a second refresh cycle next to the first: one
     * more per refetch, and a client inventing kids every few seconds would multiply the
     * background fetches to the issuer without bound.
     */
    @Test
    void refetchesForUnknownKidsDoNotAddRefreshCycles() {
        fetcher.serve(k1);
        IssuerKeys keys = keys(JWKS);
        keys.start();
        Authenticator auth = authenticator(keys);
        assertThat(scheduler.pending()).isEqualTo(1);

        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofSeconds(11));
            assertThat(awaited(auth.authenticate(token(k2), null, true))).isCompleted();
        }

        assertThat(fetcher.fetches).hasSize(6);
        assertThat(scheduler.pending()).as("scheduled refreshes").isEqualTo(1);
        scheduler.runNext();
        assertThat(fetcher.fetches).hasSize(7);
        assertThat(scheduler.pending()).isEqualTo(1);
    }

    static Stream<Arguments> refreshDelays() {
        return Stream.of(
                arguments("no max-age: 80 % of the refresh interval", OptionalLong.empty(), 2_880_000L),
                arguments("max-age below the interval: 80 % of it", OptionalLong.of(600), 480_000L),
                arguments("max-age above the interval: the interval wins", OptionalLong.of(86_400), 2_880_000L),
                arguments("a tiny max-age: never more often than 30 s", OptionalLong.of(10), 30_000L),
                arguments("no-cache (0): never more often than 30 s", OptionalLong.of(0), 30_000L));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refreshDelays")
    void theNextRefreshFollowsCacheControl(String name, OptionalLong maxAge, long delayMillis) {
        fetcher.serve(maxAge, k1);

        keys(JWKS).start();

        assertThat(scheduler.delaysMillis).containsExactly(delayMillis);
    }

    @Test
    void closedKeysStopRefreshing() {
        CompletableFuture<KeyFetcher.FetchedKeys> pending = fetcher.hold();
        IssuerKeys keys = keys(JWKS);
        keys.start();

        keys.close();
        pending.complete(FakeFetcher.keys(k1));

        assertThat(keys.isLoaded()).isTrue();
        assertThat(scheduler.delaysMillis).isEmpty();
        clock.advance(Duration.ofMinutes(1));
        assertThat(keys.refetchForUnknownKid()).isNull();
        assertThat(fetcher.fetches).hasSize(1);
    }

    @Test
    void keysWithoutKidAreUsableOnlyWhenAlone() {
        RSAKey noKid1 = new RSAKey.Builder(k1).keyID(null).build();
        RSAKey noKid2 = new RSAKey.Builder(k2).keyID(null).build();
        fetcher.serve(noKid1);
        IssuerKeys one = keys(JWKS);
        one.start();
        fetcher.serve(noKid1, noKid2);
        IssuerKeys two = keys(JWKS);
        two.start();

        assertThat(one.find(null)).isNotNull();
        assertThat(two.keyCount()).isEqualTo(2);
        assertThat(two.find(null)).isNull();
        assertThat(one.keyCount()).isEqualTo(1);
    }
}
