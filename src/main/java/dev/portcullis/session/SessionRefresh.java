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
        CompletableFuture<TokenSet> call;
        try {
            call = client.refresh(session.issuerId(), session.tokens().refreshToken());
        } catch (RuntimeException e) {
            call = CompletableFuture.failedFuture(e);
        }
        call.whenComplete((tokens, error) -> {
            RefreshOutcome outcome;
            try {
                outcome = error == null ? rotate(key, id, tokens, settings) : failed(key, unwrap(error));
            } catch (RuntimeException e) {
                outcome = failed(key, e);
            }
            events.refreshed(outcome);
            if (outcome == RefreshOutcome.REFUSED) {
                events.ended(SessionEnd.REFRESH_FAILED, 1);
            }
            inFlight.remove(key, mine);
            mine.complete(outcome);
        });
        return mine;
    }

    private RefreshOutcome rotate(String key, String id, TokenSet fresh, SessionSettings settings) {
        Session current = store.get(key);
        if (current == null) {
            return RefreshOutcome.REFUSED; // ended meanwhile (signed out, revoked): nothing to keep
        }
        long now = clock.getAsLong();
        TokenSet t = current.tokens();
        // the issuer may not rotate the refresh token (or send a new ID token): keep the old ones then
        TokenSet merged = new TokenSet(fresh.accessToken(),
                fresh.refreshToken() != null ? fresh.refreshToken() : t.refreshToken(),
                fresh.idToken() != null ? fresh.idToken() : t.idToken(), fresh.expiresAtMillis());
        String newId = SessionIds.next();
        String newKey = SessionIds.key(newId);
        store.put(newKey, new Session(current.issuerId(), current.subject(), merged, current.createdAtMillis(),
                Math.max(now, current.lastSeenMillis())));
        store.alias(key, new SessionAlias(newKey, SessionIds.seal(newId, id), now + settings.graceMillis()));
        // unconditionally: a request's touch may have replaced the record meanwhile, and a session left
        // under the old key would be refreshed again with the old refresh token (reuse: the issuer ends it)
        store.remove(key);
        failedAt.remove(key);
        return RefreshOutcome.REFRESHED;
    }

    private RefreshOutcome failed(String key, Throwable error) {
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
