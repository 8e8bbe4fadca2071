package dev.portcullis.shared;

import dev.portcullis.session.MemorySessionStore;
import dev.portcullis.session.Session;
import dev.portcullis.session.SessionAlias;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;

/**
 * Reads of sessions not held here from Redis into the near-cache, one read per key at a time,
 * following the aliases of rotated-away keys (at most {@link #HOPS}). A read that overlapped an
 * announced change of its key (a version per stripe of keys) is read again, so that a copy older
 * than the change is never kept.
 */
final class SessionReads {
    private static final int STRIPES = 256;
    private static final int HOPS = 3;
    private static final int TRIES = 3;

    private final MemorySessionStore local;
    private final SessionRecords records;
    private final LongSupplier clock;
    private final AtomicLongArray versions = new AtomicLongArray(STRIPES);
    private final ConcurrentHashMap<String, CompletableFuture<Boolean>> fetching = new ConcurrentHashMap<>();

    SessionReads(MemorySessionStore local, SessionRecords records, LongSupplier clock) {
        this.local = local;
        this.records = records;
        this.clock = clock;
    }

    /** Whether the key's session is held here now; fails when Redis cannot be asked. */
    CompletableFuture<Boolean> fetch(String key) {
        CompletableFuture<Boolean> mine = new CompletableFuture<>();
        CompletableFuture<Boolean> running = fetching.putIfAbsent(key, mine);
        if (running != null) {
            return running;
        }
        load(key).whenComplete((found, e) -> {
            fetching.remove(key, mine);
            if (e != null) {
                mine.completeExceptionally(e);
            } else {
                mine.complete(found);
            }
        });
        return mine;
    }

    CompletableFuture<Boolean> load(String key) {
        return load(key, HOPS, TRIES);
    }

    private CompletableFuture<Boolean> load(String key, int hops, int tries) {
        long seen = versions.get(stripe(key));
        return records.read(key).thenCompose(found -> {
            Session s = found.session();
            if (s != null) {
                local.put(key, s);
                if (versions.get(stripe(key)) == seen) {
                    return CompletableFuture.completedFuture(true);
                }
                local.remove(key, s); // a change overlapped the read: this copy may be older than it
                return tries > 1 ? load(key, hops, tries - 1) : CompletableFuture.completedFuture(false);
            }
            SessionAlias a = found.alias();
            if (a != null && hops > 0 && a.untilMillis() > clock.getAsLong()) {
                local.alias(key, a);
                return load(a.newKey(), hops - 1, tries);
            }
            return CompletableFuture.completedFuture(false);
        });
    }

    /** A change of this key elsewhere: the local copy goes, and a read under way reads again. */
    void drop(String key) {
        versions.incrementAndGet(stripe(key));
        local.remove(key);
    }

    /** Changes may have been missed (a resync): every read under way reads again. */
    void changedAll() {
        for (int i = 0; i < STRIPES; i++) {
            versions.incrementAndGet(i);
        }
    }

    private static int stripe(String key) {
        return key.hashCode() & (STRIPES - 1);
    }
}
