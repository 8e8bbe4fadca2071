package dev.portcullis.shared;

import dev.portcullis.session.MemorySessionStore;
import dev.portcullis.session.RefreshClaim;
import dev.portcullis.session.Session;
import dev.portcullis.session.SessionAlias;
import dev.portcullis.session.SessionStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * Sessions shared by a fleet ({@code shared_state.redis}): a local near-cache ({@link MemorySessionStore})
 * that the request path reads without ever waiting, written through to Redis asynchronously
 * ({@link SessionRecords}: sealed, size-limited, a TTL of the session's remaining max age).
 *
 * <ul>
 *   <li><b>Coherence</b>: every change written to Redis (a touch, a sign-out, a rotation, an end,
 *       a revocation, an access expiry) is then announced on the bus topic {@code sessions} with the session's
 *       key; every other instance drops its local copy, and reads it again at its next use. After the
 *       bus (re)connects (a partition, a Redis restart) every local copy is dropped, since changes
 *       may have been missed; sessions written here while Redis was down are written then instead.</li>
 *   <li><b>Unknown keys</b>: {@link #fetch} reads them (and the aliases of rotated-away keys) from Redis,
 *       one read per key at a time; Redis down or slow: not found, so the browser signs in again.
 *       While Redis is down, sessions held here keep working.</li>
 *   <li><b>Refresh</b>: one per session across the fleet ({@link SessionRefreshLock}).</li>
 *   <li><b>Subjects</b>: a revocation or a membership change reaches the sessions that live only in
 *       Redis through a per-subject index.</li>
 *   <li><b>{@code max_sessions}</b> bounds the near-cache: eviction forgets the local copy only.</li>
 * </ul>
 */
public final class RedisSessionStore implements SessionStore {
    private final MemorySessionStore local;
    private final SessionRecords records;
    private final SessionRefreshLock lock;
    private final FleetBus bus;
    private final LongSupplier clock;
    private final SessionReads reads;
    /** Keys of sessions whose write to Redis failed: held here only, written again at the next resync. */
    private final Set<String> unshared = ConcurrentHashMap.newKeySet();

    /**
     * @param maxBytes     the largest session value written or read
     * @param lockMillis   how long a refresh may hold the fleet's lock on its session ({@code refresh_lock})
     * @param maxAgeMillis the longest {@code session_max_age}: the TTL of records and of the subject index
     * @param bus          the fleet's bus, or null (no coherence: tests of the records only)
     */
    public RedisSessionStore(MemorySessionStore local, RedisConnection redis, SessionSealer sealer, int maxBytes,
            long lockMillis, long maxAgeMillis, LongSupplier clock, FleetBus bus) {
        this.local = Objects.requireNonNull(local, "local");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.records = new SessionRecords(redis, sealer, new SessionCodec(maxBytes), maxBytes, maxAgeMillis, clock);
        this.reads = new SessionReads(local, records, clock);
        this.lock = new SessionRefreshLock(records, this::adopt, unshared::contains, lockMillis);
        this.bus = bus;
        if (bus != null) {
            bus.subscribe(SessionNews.TOPIC, this::changed);
            bus.onResync(this::resync);
        }
    }

    @Override
    public Session get(String key) {
        return local.get(key);
    }

    @Override
    public void put(String key, Session session) {
        local.put(key, session);
        shared(key, records.put(key, session));
    }

    /**
     * After a session's first write: remembers whether it is held here only. Not announced: its key is
     * new (a sign-in's, a refresh's), so no other instance holds a copy to drop, and an announcement
     * arriving after another instance read it would only make it read it again.
     */
    private void shared(String key, CompletableFuture<Boolean> written) {
        written.thenAccept(ok -> {
            if (ok) {
                unshared.remove(key);
            } else if (local.get(key) != null) {
                unshared.add(key);
            }
        });
    }

    @Override
    public CompletableFuture<Boolean> fetch(String key) {
        return reads.fetch(key);
    }

    /** Another instance rotated (or ended) the session under this key: drops the local copy and loads what it leads to. */
    private CompletableFuture<Boolean> adopt(String key) {
        reads.drop(key);
        return reads.load(key).exceptionally(e -> false);
    }

    @Override
    public CompletableFuture<RefreshClaim> claimRefresh(String key) {
        return lock.claim(key);
    }

    @Override
    public CompletableFuture<Boolean> rotate(String oldKey, String newKey, Session fresh, SessionAlias alias,
            RefreshClaim claim) {
        if (claim.kind() != RefreshClaim.Kind.HELD) {
            return SessionStore.super.rotate(oldKey, newKey, fresh, alias, claim);
        }
        local.put(newKey, fresh);
        local.alias(oldKey, alias);
        drop(oldKey);
        return records.rotate(oldKey, newKey, fresh, alias, claim.fence()).handle((r, e) -> {
            if (e == null && r == 1) {
                publish(List.of(oldKey));
                return true;
            }
            if (e == null && r == -1) {
                local.remove(newKey); // signed out or revoked elsewhere meanwhile
                return false;
            }
            // the lock expired (another instance may have taken over), or Redis failed: the tokens the issuer
            // gave are good, so they are kept here and shared as any write is
            shared(newKey, records.put(newKey, fresh));
            records.putAlias(oldKey, alias);
            records.delete(oldKey).thenAccept(ok -> publish(List.of(oldKey)));
            return true;
        });
    }

    @Override
    public void release(String key, RefreshClaim claim) {
        if (claim.kind() == RefreshClaim.Kind.HELD) {
            records.unlock(key, claim.fence());
        }
    }

    @Override
    public void remove(String key) {
        unshared.remove(key);
        local.remove(key);
        delete(key);
    }

    @Override
    public boolean remove(String key, Session expected) {
        boolean removed = local.remove(key, expected);
        if (removed) {
            unshared.remove(key);
            delete(key);
        }
        return removed;
    }

    private void delete(String key) {
        records.delete(key).thenAccept(ok -> publish(List.of(key)));
    }

    /** Forgets the local copy only: Redis bounds its sessions by their TTL. */
    @Override
    public boolean evict(String key, Session expected) {
        boolean gone = local.remove(key, expected);
        if (gone) {
            unshared.remove(key);
        }
        return gone;
    }

    /** Ends the subject's sessions here at once and, asynchronously, in Redis (also those never seen here). */
    @Override
    public int removeSubject(String issuerId, String subject) {
        int n = local.removeSubject(issuerId, subject);
        records.removeSubject(issuerId, subject).thenAccept(this::publish);
        return n;
    }

    @Override
    public int expireAccessBy(String issuerId, String subject, long expiresAtMillis) {
        int n = local.expireAccessBy(issuerId, subject, expiresAtMillis);
        records.expireAccessBy(issuerId, subject, expiresAtMillis).thenAccept(this::publish);
        return n;
    }

    @Override
    public long size() {
        return local.size();
    }

    /** The caller throttles touches: each one that moves {@code lastSeen} is written and announced. */
    @Override
    public void touch(String key, long nowMillis) {
        Session before = local.get(key);
        local.touch(key, nowMillis);
        Session after = local.get(key);
        if (after != null && after != before) {
            records.replace(key, after).thenAccept(ok -> {
                if (ok) {
                    publish(List.of(key));
                }
            });
        }
    }

    @Override
    public void alias(String oldKey, SessionAlias alias) {
        local.alias(oldKey, alias);
        records.putAlias(oldKey, alias);
    }

    @Override
    public SessionAlias alias(String key) {
        return local.alias(key);
    }

    @Override
    public void forEachSession(BiConsumer<String, Session> action) {
        local.forEachSession(action);
    }

    @Override
    public int sweepAliases(long nowMillis) {
        return local.sweepAliases(nowMillis);
    }

    private void publish(List<String> keys) {
        if (bus != null) {
            SessionNews.publish(bus, keys);
        }
    }

    /** A change made by another instance: its keys' local copies go (they are read again at their next use). */
    private void changed(FleetMessage m) {
        if (!m.fromSelf()) {
            SessionNews.keys(m).forEach(this::drop);
        }
    }

    private void drop(String key) {
        reads.drop(key);
    }

    /**
     * After the bus (re)connected: changes may have been missed, so every local copy goes, except
     * the sessions that were never written (Redis was down when they began): those are written now.
     */
    void resync() {
        reads.changedAll();
        List<String> keep = new ArrayList<>(unshared);
        local.forEachSession((key, s) -> {
            if (!unshared.contains(key)) {
                local.remove(key, s);
            }
        });
        for (String key : keep) {
            Session s = local.get(key);
            if (s == null) {
                unshared.remove(key);
            } else {
                shared(key, records.put(key, s));
            }
        }
    }
}
