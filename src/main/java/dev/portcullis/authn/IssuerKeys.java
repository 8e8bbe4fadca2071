package dev.portcullis.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The signing keys of one issuer: fetched in the background, refreshed before they go stale,
 * refetched (rate-limited) when a token names an unknown {@code kid}, and kept when the keys
 * endpoint fails. Lookups read one volatile field and take no lock.
 */
public final class IssuerKeys {
    private static final Logger log = LoggerFactory.getLogger(IssuerKeys.class);
    private static final Duration MIN_REFRESH = Duration.ofSeconds(30);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    /** A usable key: its JWK and a verifier built once for it. */
    public record VerificationKey(JWK jwk, JWSVerifier verifier) {
    }

    /** Receives fetch outcomes, for metrics and readiness. */
    public interface Listener {
        void fetched(String issuerId, boolean success, int keyCount);

        Listener NONE = (id, ok, n) -> { };
    }

    private final String issuerId;
    private final String issuer;
    private final URI configuredJwksUri;
    private final Duration refreshInterval;
    private final Duration minRefetch;
    private final KeyFetcher fetcher;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Listener listener;
    /** The JCA provider the verifiers compute with; null for the JDK's (see {@code server.crypto_provider}). */
    private final java.security.Provider provider;

    private volatile Map<String, VerificationKey> keys = Map.of();
    private volatile boolean loaded;
    private volatile long loadedAtMillis;
    private final CompletableFuture<Void> firstLoad = new CompletableFuture<>();
    private URI jwksUri;
    private CompletableFuture<Void> inFlight;
    private ScheduledFuture<?> scheduledRefresh;
    private long lastFetchStartMillis = Long.MIN_VALUE / 2;
    private int failures;
    private volatile boolean closed;
    private volatile boolean lastFetchFailed;

    public IssuerKeys(String issuerId, String issuer, URI jwksUri, Duration refreshInterval, Duration minRefetch,
            KeyFetcher fetcher, ScheduledExecutorService scheduler, Clock clock, Listener listener) {
        this(issuerId, issuer, jwksUri, refreshInterval, minRefetch, fetcher, scheduler, clock, listener, null);
    }

    /** @param provider the JCA provider signatures are checked with (null: the JDK's) */
    public IssuerKeys(String issuerId, String issuer, URI jwksUri, Duration refreshInterval, Duration minRefetch,
            KeyFetcher fetcher, ScheduledExecutorService scheduler, Clock clock, Listener listener,
            java.security.Provider provider) {
        this.provider = provider;
        this.issuerId = issuerId;
        this.issuer = issuer;
        this.configuredJwksUri = jwksUri;
        this.jwksUri = jwksUri;
        this.refreshInterval = refreshInterval;
        this.minRefetch = minRefetch;
        this.fetcher = fetcher;
        this.scheduler = scheduler;
        this.clock = clock;
        this.listener = listener;
    }

    public String issuerId() {
        return issuerId;
    }

    /** Starts the first load; later refreshes schedule themselves. */
    public void start() {
        refresh();
    }

    public void close() {
        closed = true;
        synchronized (this) {
            if (scheduledRefresh != null) {
                scheduledRefresh.cancel(false);
            }
        }
    }

    public boolean isLoaded() {
        return loaded;
    }

    public long loadedAtMillis() {
        return loadedAtMillis;
    }

    /** Whether the latest fetch failed (the keys held may be out of date). */
    public boolean lastFetchFailed() {
        return lastFetchFailed;
    }

    public int keyCount() {
        return keys.size();
    }

    /** Completes when keys are first loaded (never exceptionally: callers bound their own wait). */
    public CompletableFuture<Void> firstLoad() {
        return firstLoad;
    }

    /** The key for a {@code kid}, or null. A token without a kid may use the only key there is. */
    public VerificationKey find(String kid) {
        Map<String, VerificationKey> k = keys;
        if (kid == null) {
            return k.size() == 1 ? k.values().iterator().next() : null;
        }
        return k.get(kid);
    }

    /**
     * Asks for a refetch because a token named a key we do not hold. Returns the fetch to wait
     * for, or null when one ran too recently: a flood of made-up kids must not become a flood of
     * requests to the issuer.
     */
    public synchronized CompletableFuture<Void> refetchForUnknownKid() {
        if (closed) {
            return null;
        }
        if (inFlight != null) {
            return inFlight;
        }
        if (clock.millis() - lastFetchStartMillis < minRefetch.toMillis()) {
            return null;
        }
        return refresh();
    }

    private synchronized CompletableFuture<Void> refresh() {
        if (inFlight != null) {
            return inFlight;
        }
        lastFetchStartMillis = clock.millis();
        CompletableFuture<URI> uri = jwksUri != null ? CompletableFuture.completedFuture(jwksUri)
                : fetcher.discover(issuer);
        CompletableFuture<Void> done = uri.thenCompose(u -> {
            synchronized (this) {
                jwksUri = u;
            }
            return fetcher.fetchKeys(u);
        }).handle((fetched, error) -> {
            onFetched(fetched, error);
            return null;
        });
        // A fetch that failed synchronously has already been handled (this lock is re-entrant).
        inFlight = done.isDone() ? null : done;
        return done;
    }

    private void onFetched(KeyFetcher.FetchedKeys fetched, Throwable error) {
        Duration next;
        Map<String, VerificationKey> usable = error == null ? usableKeys(fetched) : Map.of();
        synchronized (this) {
            inFlight = null;
            lastFetchFailed = error != null || usable.isEmpty();
            if (lastFetchFailed) {
                failures++;
                if (configuredJwksUri == null && failures > 1) {
                    jwksUri = null; // rediscover: the issuer may have moved its keys
                }
                next = backoff(failures);
                String why = error != null ? FetchErrors.describe(error) : "no usable signing keys in the key set";
                log.warn("issuer {} ({}): key fetch failed ({}); keeping {} held keys, retrying in {}s", issuerId,
                        issuer, why, keys.size(), next.toSeconds());
            } else {
                failures = 0;
                Set<String> before = keys.keySet();
                keys = Map.copyOf(usable);
                loaded = true;
                loadedAtMillis = clock.millis();
                next = nextRefresh(fetched);
                if (!before.equals(usable.keySet())) {
                    log.info("issuer {}: {} signing keys loaded {}", issuerId, usable.size(), usable.keySet());
                }
            }
        }
        listener.fetched(issuerId, error == null && !usable.isEmpty(), keys.size());
        if (loaded) {
            firstLoad.complete(null);
        }
        if (!closed) {
            // One refresh cycle only: a fetch for an unknown kid replaces the pending refresh
            // instead of starting a second cycle next to it.
            synchronized (this) {
                if (scheduledRefresh != null) {
                    scheduledRefresh.cancel(false);
                }
                scheduledRefresh = scheduler.schedule(this::refresh, next.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private Duration nextRefresh(KeyFetcher.FetchedKeys fetched) {
        Duration ttl = refreshInterval;
        if (fetched.maxAgeSeconds().isPresent()) {
            Duration maxAge = Duration.ofSeconds(fetched.maxAgeSeconds().getAsLong());
            if (maxAge.compareTo(ttl) < 0) {
                ttl = maxAge;
            }
        }
        // Refresh before staleness: at 80 % of the lifetime, never more often than MIN_REFRESH.
        Duration early = Duration.ofMillis(ttl.toMillis() * 8 / 10);
        return early.compareTo(MIN_REFRESH) < 0 ? MIN_REFRESH : early;
    }

    private static Duration backoff(int failures) {
        long seconds = 1L << Math.min(failures - 1, 6);
        return Duration.ofSeconds(Math.min(seconds, MAX_BACKOFF.toSeconds()));
    }

    /** Signature keys we can verify with; encryption keys and unsupported types are left out. */
    private Map<String, VerificationKey> usableKeys(KeyFetcher.FetchedKeys fetched) {
        Map<String, VerificationKey> out = new HashMap<>();
        int anonymous = 0;
        for (JWK jwk : fetched.keys().getKeys()) {
            if (jwk.getKeyUse() != null && !KeyUse.SIGNATURE.equals(jwk.getKeyUse())) {
                continue;
            }
            if (jwk.isPrivate()) {
                log.warn("issuer {}: key set publishes a private key (kid {}); ignoring it", issuerId,
                        jwk.getKeyID());
                continue;
            }
            try {
                JWSVerifier verifier;
                if (jwk instanceof RSAKey rsa) {
                    verifier = new KeptRs256Verifier(new RSASSAVerifier(rsa));
                } else if (jwk instanceof ECKey ec) {
                    verifier = new ECDSAVerifier(ec);
                } else {
                    continue;
                }
                if (provider != null) {
                    // Only the signature computation moves to the provider: Nimbus still checks
                    // the algorithm, the key type and (ECDSA) the signature's form before it.
                    verifier.getJCAContext().setProvider(provider);
                }
                String kid = jwk.getKeyID();
                out.put(kid != null ? kid : "\u0000anonymous-" + anonymous++, new VerificationKey(jwk, verifier));
            } catch (JOSEException e) {
                log.warn("issuer {}: unusable key {}: {}", issuerId, jwk.getKeyID(), e.getMessage());
            }
        }
        return out;
    }
}
