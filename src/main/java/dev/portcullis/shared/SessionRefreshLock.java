package dev.portcullis.shared;

import dev.portcullis.session.RefreshClaim;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * One refresh per session across the fleet: a short Redis lock ({@code SET lock token NX PX}) whose
 * token is a fencing token ({@code INCR fence}). The holder re-reads the session first (another
 * instance may have refreshed it since this one read it: then that refresh is taken, and the issuer
 * is not called); it refreshes and writes the result only while the lock still holds its token
 * ({@link SessionRecords#rotate}). The others poll Redis until the holder's rotation lands (the old
 * session gone, its alias there), at most as long as the lock ({@code shared_state.redis.refresh_lock}): then they take its result. When Redis
 * cannot be asked, each instance refreshes on its own ({@link RefreshClaim#LOCAL}): during an outage two
 * instances may both refresh one session, and with refresh-token rotation the second is refused
 * ({@code invalid_grant}), which ends that session: its user signs in again.
 */
final class SessionRefreshLock {
    private static final long POLL_MILLIS = 100;
    private static final Executor POLL = CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS);

    private final SessionRecords records;
    private final Function<String, CompletableFuture<Boolean>> adopt;
    private final Predicate<String> unshared;
    private final LongSupplier nanos;
    private final long lockMillis;

    /**
     * @param adopt    drops the local copy of a key and loads what the key leads to now (the other
     *                 instance's rotation: its alias and the new session); true when a session was found
     * @param unshared whether a session is held here only (written while Redis was down)
     * @param lockMillis how long a refresh may hold the lock (longer than the token endpoint call's timeout)
     */
    SessionRefreshLock(SessionRecords records, Function<String, CompletableFuture<Boolean>> adopt,
            Predicate<String> unshared, long lockMillis) {
        this.records = records;
        this.adopt = adopt;
        this.unshared = unshared;
        this.nanos = System::nanoTime;
        this.lockMillis = lockMillis;
    }

    CompletableFuture<RefreshClaim> claim(String key) {
        long deadline = nanos.getAsLong() + TimeUnit.MILLISECONDS.toNanos(lockMillis);
        return records.fence().thenCompose(fence -> records.lock(key, fence, lockMillis)
                        .thenCompose(taken -> taken ? held(key, fence) : await(key, deadline)))
                .exceptionally(e -> RefreshClaim.LOCAL);
    }

    private CompletableFuture<RefreshClaim> held(String key, long fence) {
        return records.read(key).thenCompose(found -> {
            if (found.session() != null) {
                return CompletableFuture.completedFuture(new RefreshClaim(RefreshClaim.Kind.HELD, fence));
            }
            records.unlock(key, fence);
            if (found.alias() == null && unshared.test(key)) {
                return CompletableFuture.completedFuture(RefreshClaim.LOCAL); // never reached Redis: ours alone
            }
            return taken(key);
        });
    }

    private CompletableFuture<RefreshClaim> await(String key, long deadline) {
        return CompletableFuture.supplyAsync(() -> null, POLL).thenCompose(x -> records.read(key)).thenCompose(found -> {
            if (found.session() == null) {
                return taken(key);
            }
            return nanos.getAsLong() - deadline < 0 ? await(key, deadline)
                    : CompletableFuture.completedFuture(RefreshClaim.BUSY);
        });
    }

    /** The session left its key: another instance rotated it (its result is adopted here), or it ended. */
    private CompletableFuture<RefreshClaim> taken(String key) {
        return adopt.apply(key).thenApply(found -> found ? RefreshClaim.DONE : RefreshClaim.ENDED);
    }
}
