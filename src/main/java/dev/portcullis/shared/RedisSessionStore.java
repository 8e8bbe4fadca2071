package dev.portcullis.shared;

import dev.portcullis.session.MemorySessionStore;
import dev.portcullis.session.Session;
import dev.portcullis.session.SessionAlias;
import dev.portcullis.session.SessionStore;
import io.lettuce.core.SetArgs;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * WIP. Sessions shared by a fleet: a local near-cache ({@link MemorySessionStore}) that the request
 * path reads without ever waiting, written through to Redis asynchronously (sealed, size-limited,
 * with a TTL of the session's remaining max age), and {@link #fetch} to read an id unknown here from
 * Redis (asynchronously: the caller waits as for a refresh under way, then looks up locally again).
 * Keys are {@code prefix + "s:" + }{@link dev.portcullis.session.SessionIds#key} (base64url of a SHA-256):
 * nothing a client sends is in a key. Redis down: writes fail quietly (health says degraded), a fetch
 * finds nothing, so a session unknown here signs in again.
 */
public final class RedisSessionStore implements SessionStore {
    private final MemorySessionStore local;
    private final RedisConnection redis;
    private final SessionSealer sealer;
    private final SessionCodec codec;
    private final long maxAgeMillis;
    private final LongSupplier clock;

    public RedisSessionStore(MemorySessionStore local, RedisConnection redis, SessionSealer sealer, SessionCodec codec,
            long maxAgeMillis, LongSupplier clock) {
        this.local = Objects.requireNonNull(local, "local");
        this.redis = Objects.requireNonNull(redis, "redis");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.maxAgeMillis = maxAgeMillis;
        this.clock = clock;
    }

    String redisKey(String key) {
        return redis.keyPrefix() + "s:" + key;
    }

    @Override
    public Session get(String key) {
        return local.get(key);
    }

    @Override
    public void put(String key, Session session) {
        local.put(key, session);
        write(key, session);
    }

    /** Writes through; a session too large to share, or already past its max age, stays local only. */
    CompletableFuture<?> write(String key, Session session) {
        long ttl = session.createdAtMillis() + maxAgeMillis - clock.getAsLong();
        byte[] plain = codec.encode(session);
        if (plain == null || ttl <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        String k = redisKey(key);
        byte[] sealed = sealer.seal(k, plain);
        return redis.call(SharedStateListener.Op.SET, c -> c.set(k, sealed, SetArgs.Builder.px(ttl)))
                .exceptionally(e -> null);
    }

    /** The session under this key from Redis (also kept locally), or null: not there, unreadable, or Redis down. */
    public CompletableFuture<Session> fetch(String key) {
        String k = redisKey(key);
        return redis.call(SharedStateListener.Op.GET, c -> c.get(k)).handle((v, e) -> {
            Session s = e == null ? codec.decode(sealer.open(k, v)) : null;
            if (s != null && s.createdAtMillis() + maxAgeMillis > clock.getAsLong()) {
                local.put(key, s);
                return s;
            }
            return null;
        });
    }

    @Override
    public void remove(String key) {
        local.remove(key);
        delete(key);
    }

    @Override
    public boolean remove(String key, Session expected) {
        boolean removed = local.remove(key, expected);
        if (removed) {
            delete(key);
        }
        return removed;
    }

    private void delete(String key) {
        String k = redisKey(key);
        redis.call(SharedStateListener.Op.DELETE, c -> c.del(k)).exceptionally(e -> null);
    }

    // Subject-wide changes come to every instance as membership events (the overlay's part of issue 15).
    @Override
    public int removeSubject(String issuerId, String subject) {
        return local.removeSubject(issuerId, subject);
    }

    @Override
    public int expireAccessBy(String issuerId, String subject, long expiresAtMillis) {
        return local.expireAccessBy(issuerId, subject, expiresAtMillis);
    }

    @Override
    public long size() {
        return local.size();
    }

    @Override
    public void touch(String key, long nowMillis) {
        local.touch(key, nowMillis);
    }

    @Override
    public void alias(String oldKey, SessionAlias alias) {
        local.alias(oldKey, alias);
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
}
