package dev.portcullis.session;

import dev.portcullis.session.SessionEvents.FetchResult;
import dev.portcullis.session.SessionEvents.RefreshOutcome;
import dev.portcullis.session.SessionSettings.Lifetimes;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The gate's sessions: started by the sign-in callback, ended by sign-out, looked up (and
 * refreshed, expired) on the request path.
 *
 * <ul>
 *   <li><b>Absolute lifetime</b>: {@code session_max_age} from sign-in, across refreshes.</li>
 *   <li><b>Idle timeout</b>: {@code session_idle_timeout} since the last request; a request writes
 *       {@code lastSeen} at most every {@link Lifetimes#touchEveryMillis}, not on every request.</li>
 *   <li><b>Refresh</b>: within {@code refresh_before} of expiry, one refresh per session
 *       ({@link SessionRefresh}); the session is rotated to a new id and the old id leads to it
 *       for {@code rotation_grace}.</li>
 *   <li><b>Issuer unreachable</b>: while the access token is still valid, requests go on with it
 *       and a later request tries again; once it has expired they get {@link SessionLookup.Unavailable}
 *       (503): an expired token is never let through.</li>
 *   <li><b>Bound</b>: at {@code max_sessions} the least recently used session ends to make room
 *       (a fleet's store only forgets its local copy: {@link SessionStore#evict}).</li>
 *   <li><b>Fleet</b>: with a store shared by several instances, an id not held here is read from it
 *       while the request waits as for a refresh ({@link SessionStore#fetch}), and a refresh is one
 *       for the whole fleet ({@link SessionStore#claimRefresh}).</li>
 * </ul>
 * Expired sessions are also dropped by {@link #sweep}, run on a scheduled thread, never on the request path.
 */
public final class Sessions implements SessionControl, SessionCheck {
    /** How many aliases a lookup follows (a cookie two rotations behind, both within the grace). */
    private static final int MAX_HOPS = 3;

    private final SessionStore store;
    private volatile OidcClient client;
    private final SessionEvents events;
    private final SessionRefresh refresh;
    private volatile SessionSettings settings;
    private final LongSupplier clock;

    /** Sessions without refresh or limits beyond the defaults (tests, tools). */
    public Sessions(SessionStore store) {
        this(store, (issuer, token) -> CompletableFuture.failedFuture(new IllegalStateException("no OIDC client")),
                new SessionSettings(Map.of(), 30_000, 100_000), SessionEvents.NONE, System::currentTimeMillis);
    }

    /**
     * @param client   the issuers' token endpoints, for refreshes
     * @param settings the running config's lifetimes ({@link #configure} replaces them on reload)
     * @param events   the metrics
     * @param clock    epoch millis, for what completes off the request path (a refresh's rotation)
     */
    public Sessions(SessionStore store, OidcClient client, SessionSettings settings, SessionEvents events,
            LongSupplier clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.events = Objects.requireNonNull(events, "events");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refresh = new SessionRefresh(store, clock);
    }

    /** Uses this token endpoint client for refreshes from now on (the server's wiring: the issuers' HTTP client). */
    public void useClient(OidcClient next) {
        client = Objects.requireNonNull(next, "next");
    }

    /** Where the sessions are kept. */
    public SessionStore store() {
        return store;
    }

    /** Publishes a reloaded config's lifetimes; the sessions themselves stay. */
    public void configure(SessionSettings next) {
        settings = Objects.requireNonNull(next, "next");
    }

    @Override
    public String start(String issuerId, String subject, TokenSet tokens, String previousId, long nowMillis) {
        if (previousId != null && SessionIds.wellFormed(previousId)) {
            store.remove(SessionIds.key(previousId));
        }
        long max = settings.maxSessions();
        while (store.size() >= max && SessionBound.evictLeastRecentlyUsed(store)) {
            events.ended(SessionEnd.EVICTED, 1);
        }
        String id = SessionIds.next();
        store.put(SessionIds.key(id), new Session(issuerId, subject, tokens, nowMillis, nowMillis));
        return id;
    }

    @Override
    public String idToken(String id) {
        Resolved r = resolve(id, System.currentTimeMillis());
        return r == null ? null : r.session.tokens().idToken();
    }

    @Override
    public void end(String id) {
        Resolved r = resolve(id, System.currentTimeMillis());
        if (r != null) {
            store.remove(r.key);
            events.ended(SessionEnd.SIGNED_OUT, 1);
            return;
        }
        // Not held here: a fleet's session begun (or last refreshed) on another instance is read
        // first, so that a sign-out ends it wherever the browser's request landed.
        CompletableFuture<Boolean> f = SessionIds.wellFormed(id) ? store.fetch(SessionIds.key(id)) : null;
        if (f != null) {
            f.thenAccept(found -> {
                Resolved again = found ? resolve(id, clock.getAsLong()) : null;
                if (again != null) {
                    store.remove(again.key);
                    events.ended(SessionEnd.SIGNED_OUT, 1);
                }
            });
        }
    }

    /** Ends every session of a user (a membership event, {@code portcullis revoke}); returns how many. */
    public int removeSubject(String issuerId, String subject) {
        int n = store.removeSubject(issuerId, subject);
        if (n > 0) {
            events.ended(SessionEnd.REVOKED, n);
        }
        return n;
    }

    /**
     * A user's groups changed in the directory: each of their sessions refreshes at its next
     * request, so it carries the issuer's current groups (a group added works at once too, not only
     * a group taken away, which the membership overlay already refuses). The access token stays
     * usable for {@code refresh_before} in case the issuer cannot be reached. Returns how many.
     */
    public int refreshSubject(String issuerId, String subject, long nowMillis) {
        Lifetimes life = settings.of(issuerId);
        return life == null ? 0 : store.expireAccessBy(issuerId, subject, nowMillis + life.refreshBeforeMillis());
    }

    /**
     * What a session cookie's value comes to at {@code nowMillis}. Runs on the event loop: no I/O,
     * no lock; a due refresh is started (or joined) and returned as {@link SessionLookup.Refreshing}.
     *
     * @param mayWait false when resuming after a refresh: whatever it came to is final now
     */
    @Override
    public SessionLookup lookup(String id, long nowMillis, boolean mayWait) {
        return lookup(id, nowMillis, mayWait, mayWait);
    }

    private SessionLookup lookup(String id, long nowMillis, boolean mayWait, boolean mayFetch) {
        Resolved r = resolve(id, nowMillis);
        if (r == null) {
            CompletableFuture<RefreshOutcome> fetching = mayFetch ? fetch(id) : null;
            return fetching != null ? new SessionLookup.Refreshing(fetching) : new SessionLookup.Ended(SessionEnd.UNKNOWN);
        }
        Session s = r.session;
        Lifetimes life = settings.of(s.issuerId());
        SessionEnd over = life == null ? SessionEnd.UNKNOWN
                : nowMillis - s.createdAtMillis() >= life.maxAgeMillis() ? SessionEnd.MAX_AGE
                : nowMillis - s.lastSeenMillis() >= life.idleMillis() ? SessionEnd.IDLE_TIMEOUT : null;
        if (over != null) {
            if (store.remove(r.key, s)) {
                events.ended(over, 1);
            }
            return new SessionLookup.Ended(over);
        }
        boolean expired = nowMillis >= s.tokens().expiresAtMillis();
        boolean due = nowMillis >= s.tokens().expiresAtMillis() - life.refreshBeforeMillis();
        if (due && s.tokens().refreshToken() == null) {
            if (expired) {
                store.remove(r.key, s);
                events.ended(SessionEnd.REFRESH_FAILED, 1);
                return new SessionLookup.Ended(SessionEnd.REFRESH_FAILED);
            }
        } else if (due && mayWait && !(refresh.recentlyFailed(r.key, nowMillis) && !expired)) {
            return new SessionLookup.Refreshing(refresh.refresh(r.key, r.id, s, client, settings, events));
        } else if (due && expired) {
            return new SessionLookup.Unavailable(); // the refresh we waited for could not reach the issuer
        }
        if (nowMillis - s.lastSeenMillis() >= life.touchEveryMillis()) {
            store.touch(r.key, nowMillis);
        }
        return new SessionLookup.Usable(r.key, s, r.newId, r.newId != null ? "rotated_cookie" : null,
                life.maxAgeMillis() - (nowMillis - s.createdAtMillis()));
    }

    /**
     * A session id unknown here, from the fleet's store (when the store has one): the request waits
     * for it as for a refresh, then looks up locally again. A fetched session that is due is
     * refreshed within the same wait. Completes with null when no refresh took place (the session
     * was fetched, or was not found: Redis down or slow counts as not found).
     */
    private CompletableFuture<RefreshOutcome> fetch(String id) {
        if (!SessionIds.wellFormed(id)) {
            return null;
        }
        CompletableFuture<Boolean> f = store.fetch(SessionIds.key(id));
        if (f == null) {
            return null;
        }
        return f.handle((found, e) -> {
            events.fetched(e != null ? FetchResult.ERROR : found ? FetchResult.HIT : FetchResult.MISS);
            return e == null && found;
        }).thenCompose(found -> {
            SessionLookup again = found ? lookup(id, clock.getAsLong(), true, false) : null;
            return again instanceof SessionLookup.Refreshing r ? r.done()
                    : CompletableFuture.<RefreshOutcome>completedFuture(null);
        }).exceptionally(e -> null);
    }

    /**
     * Drops the sessions past their lifetime or idle timeout, expired aliases, and sessions over
     * {@code max_sessions} (least recently used first). A scheduled thread's job.
     */
    public void sweep(long nowMillis) {
        SessionSettings set = settings;
        store.forEachSession((key, s) -> {
            Lifetimes life = set.of(s.issuerId());
            SessionEnd over = life == null ? SessionEnd.UNKNOWN
                    : nowMillis - s.createdAtMillis() >= life.maxAgeMillis() ? SessionEnd.MAX_AGE
                    : nowMillis - s.lastSeenMillis() >= life.idleMillis() ? SessionEnd.IDLE_TIMEOUT : null;
            if (over != null && store.remove(key, s)) {
                events.ended(over, 1);
            }
        });
        store.sweepAliases(nowMillis);
        refresh.sweep(nowMillis);
        int evicted = SessionBound.trim(store, set.maxSessions());
        if (evicted > 0) {
            events.ended(SessionEnd.EVICTED, evicted);
        }
    }

    /** A cookie's session: itself, or (within the grace) the one its rotated-away id leads to. */
    private Resolved resolve(String id, long nowMillis) {
        if (id == null || !SessionIds.wellFormed(id)) {
            return null;
        }
        String key = SessionIds.key(id);
        String current = id;
        for (int hop = 0; hop <= MAX_HOPS; hop++) {
            Session s = store.get(key);
            if (s != null) {
                return new Resolved(key, current, s, current.equals(id) ? null : current);
            }
            SessionAlias a = store.alias(key);
            if (a == null || a.untilMillis() <= nowMillis) {
                return null;
            }
            current = SessionIds.unseal(a.sealedNewId(), current);
            key = a.newKey();
        }
        return null;
    }

    private record Resolved(String key, String id, Session session, String newId) {
    }
}
