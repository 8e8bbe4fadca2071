package dev.portcullis.directory;

import com.github.benmanes.caffeine.cache.AsyncCacheLoader;
import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.portcullis.config.OktaConfig.GroupsApi;
import dev.portcullis.membership.DirectoryGroups;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Users' groups from the Users API, cached per user id (Caffeine): read once however many requests
 * ask at the same time (single flight), forgotten {@code ttl} after they were read, and read again
 * in the background when used after {@code refresh} (the old groups serve meanwhile; a failed
 * refresh keeps them, still only until {@code ttl} after they were read). A failed read is
 * remembered briefly ({@code failureMillis}), so a directory outage answers requests at once
 * rather than each calling Okta. A lookup never blocks.
 */
final class GroupsCache implements DirectoryGroups {
    /** One user's groups as read at {@code readAtNanos}; {@code groups} null when the read failed. */
    private record Entry(Set<String> groups, long readAtNanos) {
        boolean ok() {
            return groups != null;
        }
    }

    private final AsyncLoadingCache<String, Entry> cache;
    private final DirectoryListener listener;

    GroupsCache(GroupsApi config, Function<String, CompletableFuture<Set<String>>> load, Executor executor,
            DirectoryListener listener, long failureMillis) {
        this.listener = listener;
        long ttl = config.cacheTtl().toNanos();
        long failure = failureMillis * 1_000_000;
        this.cache = Caffeine.newBuilder().maximumSize(config.cacheSize())
                .expireAfter(Expiry.<String, Entry>writing((user, e) -> java.time.Duration.ofNanos(e.ok()
                        ? Math.max(0, e.readAtNanos() + ttl - System.nanoTime()) : failure)))
                .refreshAfterWrite(config.cacheRefresh()).executor(executor)
                .buildAsync(new AsyncCacheLoader<String, Entry>() {
                    @Override
                    public CompletableFuture<Entry> asyncLoad(String userId, Executor e) {
                        return read(load, userId);
                    }

                    @Override
                    public CompletableFuture<Entry> asyncReload(String userId, Entry old, Executor e) {
                        return read(load, userId).thenApply(next -> next.ok() || !old.ok() ? next : old);
                    }
                });
    }

    /** Never fails: a failure is an entry of its own (Caffeine would log every failed load, once per request). */
    private static CompletableFuture<Entry> read(Function<String, CompletableFuture<Set<String>>> load, String user) {
        CompletableFuture<Set<String>> f;
        try {
            f = load.apply(user);
        } catch (RuntimeException e) {
            f = CompletableFuture.failedFuture(e);
        }
        // Set.copyOf once here: an immutable set is passed on as it is, never copied per request.
        return f.handle((groups, e) -> new Entry(e == null ? Set.copyOf(groups) : null, System.nanoTime()));
    }

    @Override
    public void forget(String userId) {
        cache.synchronous().invalidate(userId);
    }

    @Override
    public Lookup lookup(String userId) {
        CompletableFuture<Entry> f = cache.get(userId);
        Entry e = f.isDone() ? f.join() : null;
        listener.cacheLookup(e != null && e.ok());
        if (e == null) {
            return new Pending(f);
        }
        return e.ok() ? new Known(e.groups()) : UNAVAILABLE;
    }
}
