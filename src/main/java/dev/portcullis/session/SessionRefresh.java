package dev.portcullis.session;

import dev.portcullis.session.SessionEvents.RefreshOutcome;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Single-flight refresh: at most one {@link OidcClient#refresh} per session at a time, whatever
 * number of requests find its access token due. The first starts it; every other one waits for
 * the same future. On success the session is rotated (a new id, the old one an alias for
 * {@code rotation_grace}); on {@link OidcClient.RefreshRefused} it ends; when the issuer cannot be
 * reached it stays as it was and the session is not tried again for {@link #RETRY_MILLIS}.
 * Across a fleet, the store's {@link SessionStore#claimRefresh} makes it one refresh for all
 * instances: only the claim's holder calls the issuer; the others take its result.
 */
final class SessionRefresh {
    /** After a failed attempt (issuer unreachable), requests go on with the still-valid token this long before trying again. */
    static final long RETRY_MILLIS = 5_000;

    private final SessionStore store;
    private final ConcurrentHashMap<String, CompletableFuture<RefreshOutcome>> inFlight = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Long> failedAt = new ConcurrentHashMap<>();
    private final LongSupplier clock;

    SessionRefresh(SessionStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
    }

    /** Whether a refresh of this session failed to reach the issuer less than {@link #RETRY_MILLIS} ago. */
    boolean recentlyFailed(String key, long nowMillis) {
        Long at = failedAt.get(key);
        return at != null && nowMillis - at < RETRY_MILLIS;
    }

    /** The refresh of the session under {@code key} (whose id is {@code id}): the one under way, or a new one. */
    CompletableFuture<RefreshOutcome> refresh(String key, String id, Session session, OidcClient client,
            SessionSettings settings, SessionEvents events) {
        CompletableFuture<RefreshOutcome> mine = new CompletableFuture<>();
        CompletableFuture<RefreshOutcome> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        Session current = store.get(key);
        if (current == null || !java.util.Objects.equals(current.tokens().refreshToken(),
                session.tokens().refreshToken())) {
            // Read before a refresh that has finished since rotated it away: that refresh is this
            // request's too. Refreshing again would present the spent refresh token (reuse: the
            // issuer ends the family); the resumed lookup follows the alias to the new session.
            inFlight.remove(key, mine);
            mine.complete(RefreshOutcome.REFRESHED);
            return mine;
        }
        CompletableFuture<RefreshOutcome> outcome = store.claimRefresh(key)
                .exceptionally(e -> RefreshClaim.LOCAL)
                .thenCompose(claim -> switch (claim.kind()) {
                    // another instance refreshed it or ended it: its outcome was counted there
                    case DONE -> CompletableFuture.completedFuture(RefreshOutcome.REFRESHED);
                    case ENDED -> CompletableFuture.completedFuture(RefreshOutcome.REFUSED);
                    case BUSY -> counted(CompletableFuture.completedFuture(
                            failed(key, new IllegalStateException("refresh busy elsewhere"), claim)), events);
                    case LOCAL, HELD -> counted(call(key, id, session, client, settings, claim), events);
                });
        outcome.whenComplete((o, e) -> {
            inFlight.remove(key, mine);
            mine.complete(e == null ? o : RefreshOutcome.UNREACHABLE);
        });
        return mine;
    }

    private CompletableFuture<RefreshOutcome> call(String key, String id, Session session, OidcClient client,
            SessionSettings settings, RefreshClaim claim) {
        CompletableFuture<TokenSet> call;
        try {
            call = client.refresh(session.issuerId(), session.tokens().refreshToken());
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        return call.handle((tokens, error) -> error == null
                        ? rotate(key, id, session, tokens, settings, claim)
                        : CompletableFuture.completedFuture(failed(key, unwrap(error), claim)))
                .thenCompose(f -> f)
                .exceptionally(e -> failed(key, unwrap(e), claim));
    }

    private static CompletableFuture<RefreshOutcome> counted(CompletableFuture<RefreshOutcome> f, SessionEvents events) {
        return f.thenApply(outcome -> {
            events.refreshed(outcome);
            if (outcome == RefreshOutcome.REFUSED) {
                events.ended(SessionEnd.REFRESH_FAILED, 1);
            }
            return outcome;
        });
    }

    private CompletableFuture<RefreshOutcome> rotate(String key, String id, Session seen, TokenSet fresh,
            SessionSettings settings, RefreshClaim claim) {
        Session current = store.get(key);
        if (current == null && claim.kind() != RefreshClaim.Kind.HELD) {
            store.release(key, claim);
            // ended meanwhile (signed out, revoked): nothing to keep
            return CompletableFuture.completedFuture(RefreshOutcome.REFUSED);
        }
        // Holding the fleet's lock, a local copy may have been dropped by another instance's touch: the
        // store's fenced write checks that the session still exists fleet-wide.
        Session base = current != null ? current : seen;
        long now = clock.getAsLong();
        TokenSet t = base.tokens();
        // the issuer may not rotate the refresh token (or send a new ID token): keep the old ones then
        TokenSet merged = new TokenSet(fresh.accessToken(),
                fresh.refreshToken() != null ? fresh.refreshToken() : t.refreshToken(),
                fresh.idToken() != null ? fresh.idToken() : t.idToken(), fresh.expiresAtMillis());
        String newId = SessionIds.next();
        String newKey = SessionIds.key(newId);
        Session next = new Session(base.issuerId(), base.subject(), merged, base.createdAtMillis(),
                Math.max(now, base.lastSeenMillis()));
        SessionAlias alias = new SessionAlias(newKey, SessionIds.seal(newId, id), now + settings.graceMillis());
        return store.rotate(key, newKey, next, alias, claim).thenApply(kept -> {
            failedAt.remove(key);
            return kept ? RefreshOutcome.REFRESHED : RefreshOutcome.REFUSED;
        });
    }

    private RefreshOutcome failed(String key, Throwable error, RefreshClaim claim) {
        store.release(key, claim);
        if (error instanceof OidcClient.RefreshRefused) {
            store.remove(key);
            failedAt.remove(key);
            return RefreshOutcome.REFUSED;
        }
        failedAt.put(key, clock.getAsLong());
        return RefreshOutcome.UNREACHABLE;
    }

    /** Forgets failure marks older than the retry interval (the sweep). */
    void sweep(long nowMillis) {
        failedAt.values().removeIf(at -> nowMillis - at >= RETRY_MILLIS);
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
