package dev.portcullis.session;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Where sessions are kept, by key ({@link SessionIds#key}): in this process
 * ({@link MemorySessionStore}), or shared by a fleet behind the same contract. Lookups are local
 * and never block: the request path calls {@link #get} on the event loop.
 */
public interface SessionStore {

    /** The session under this key, or null. */
    Session get(String key);

    /** Keeps a session under this key (a new one, or its replacement). */
    void put(String key, Session session);

    /** Ends the session under this key; nothing when there is none. */
    void remove(String key);

    /** Ends every session of a subject (a directory event, an operator's revocation); returns how many. */
    int removeSubject(String issuerId, String subject);

    /**
     * Brings the access-token expiry of every session of a subject forward to at most
     * {@code expiresAtMillis}, atomically with any replacement, so that its next request refreshes it
     * (a membership change: the issuer's next token carries the new groups); returns how many.
     */
    int expireAccessBy(String issuerId, String subject, long expiresAtMillis);

    /** How many sessions are held. */
    long size();

    /**
     * Records a request of the session under this key at {@code nowMillis}: its
     * {@link Session#lastSeenMillis} moves forward (never back), atomically with any replacement.
     * The caller throttles it ({@link Sessions}), so it costs a write at most once in a while per session.
     */
    void touch(String key, long nowMillis);

    /** Ends the session under this key only if it is still this one; true when it ended. */
    boolean remove(String key, Session expected);

    /**
     * Keeps a rotated-away key working until {@code alias.untilMillis()}: it leads to
     * {@code alias.newKey()} (see {@link SessionAlias}).
     */
    void alias(String oldKey, SessionAlias alias);

    /** The alias under this key, or null (expired ones may still be returned until swept). */
    SessionAlias alias(String key);

    /** Every session with its key, for the sweep (a scheduled thread, never the request path). */
    void forEachSession(BiConsumer<String, Session> action);

    /** Forgets aliases that expired by {@code nowMillis}; returns how many. */
    int sweepAliases(long nowMillis);
    /**
     * Reads the session (or the alias) under this key from where a fleet keeps its sessions into this
     * store, for a key not held here; completes with whether it is held here now, or fails when the
     * fleet's store cannot be asked (down, slow: the key counts as unknown).
     * Null: there is nothing beyond this process (the default), so an unknown key is simply unknown.
     * The caller waits for it as for a refresh, off the event loop ({@link SessionLookup.Refreshing}).
     */
    default CompletableFuture<Boolean> fetch(String key) {
        return null;
    }

    /**
     * Before refreshing the session under this key: takes the fleet-wide single flight (see
     * {@link RefreshClaim}). Completes, never exceptionally. The default: {@link RefreshClaim#LOCAL}.
     */
    default CompletableFuture<RefreshClaim> claimRefresh(String key) {
        return CompletableFuture.completedFuture(RefreshClaim.LOCAL);
    }

    /**
     * A refresh's rotation: keeps {@code fresh} under {@code newKey}, {@code alias} under {@code oldKey},
     * and ends the session under {@code oldKey}. Completes with false when the session ended elsewhere
     * meanwhile (nothing is kept then), never exceptionally.
     */
    default CompletableFuture<Boolean> rotate(String oldKey, String newKey, Session fresh, SessionAlias alias,
            RefreshClaim claim) {
        put(newKey, fresh);
        alias(oldKey, alias);
        // unconditionally: a request's touch may have replaced the record meanwhile, and a session left
        // under the old key would be refreshed again with the old refresh token (reuse: the issuer ends it)
        remove(oldKey);
        return CompletableFuture.completedFuture(true);
    }

    /** A claimed refresh that did not rotate (the issuer refused or could not be reached): lets go of the claim. */
    default void release(String key, RefreshClaim claim) {
    }

    /**
     * Makes room under {@code sessions.max_sessions}: drops the session if it is still this one; true
     * when it went. In this process that ends it; a fleet's store only forgets its local copy.
     */
    default boolean evict(String key, Session expected) {
        return remove(key, expected);
    }
}
