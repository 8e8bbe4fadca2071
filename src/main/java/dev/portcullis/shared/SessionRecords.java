package dev.portcullis.shared;

import dev.portcullis.session.Session;
import dev.portcullis.session.SessionAlias;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.TokenSet;
import dev.portcullis.shared.SharedStateListener.Op;
import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The fleet's session records in Redis, every call asynchronous and bounded by the connection's
 * timeout. Keys: {@code prefix + "s:" + key} (the sealed session), {@code "a:" + key} (the sealed
 * alias of a rotated-away key), {@code "u:" + base64url(SHA-256(issuer \n subject))} (the set of a
 * subject's session keys, for revocations), {@code "lock:" + key} (a refresh's lock, holding its
 * fencing token) and {@code "fence"} (the fencing counter). A session key is already a SHA-256 of
 * the cookie ({@link SessionIds#key}); a subject goes into a key only hashed the same way. Values are
 * sealed with AES-GCM under their own Redis key ({@link SessionSealer}) and size-limited both ways.
 */
final class SessionRecords {
    /** Writes the session with the remaining max age, and indexes it under its subject. */
    private static final String PUT = """
            redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
            redis.call('SADD', KEYS[2], ARGV[3])
            redis.call('PEXPIRE', KEYS[2], ARGV[4])
            return 1""";
    /**
     * A refresh's rotation, written only while the lock still holds this refresh's fencing token (a
     * holder whose lock expired, and that another instance may have taken over, writes nothing);
     * releases the lock. -1: the old session is gone (signed out, revoked): nothing is written.
     */
    private static final String ROTATE = """
            if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
            redis.call('DEL', KEYS[1])
            if redis.call('EXISTS', KEYS[2]) == 0 then return -1 end
            redis.call('SET', KEYS[3], ARGV[2], 'PX', ARGV[3])
            redis.call('SET', KEYS[4], ARGV[4], 'PX', ARGV[5])
            redis.call('DEL', KEYS[2])
            redis.call('SADD', KEYS[5], ARGV[6])
            redis.call('PEXPIRE', KEYS[5], ARGV[7])
            return 1""";
    /** Compare-and-delete: releases the lock only if it still holds this token. */
    private static final String UNLOCK = """
            if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
            return 0""";
    /** Ends every session of a subject; returns their keys. */
    private static final String REMOVE_SUBJECT = """
            local keys = redis.call('SMEMBERS', KEYS[1])
            for _, k in ipairs(keys) do redis.call('DEL', ARGV[1] .. k) end
            redis.call('DEL', KEYS[1])
            return keys""";
    private static final int MAX_ALIAS = 512;

    private final RedisConnection redis;
    private final SessionSealer sealer;
    private final SessionCodec codec;
    private final int maxValue;
    private final long maxAgeMillis;
    private final LongSupplier clock;

    SessionRecords(RedisConnection redis, SessionSealer sealer, SessionCodec codec, int maxBytes, long maxAgeMillis,
            LongSupplier clock) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.sealer = Objects.requireNonNull(sealer, "sealer");
        this.codec = Objects.requireNonNull(codec, "codec");
        this.maxValue = maxBytes + 64; // the sealing's version, key id, IV and tag
        this.maxAgeMillis = maxAgeMillis;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A session and an alias read together: either may be null. */
    record Found(Session session, SessionAlias alias) {
    }

    String sessionKey(String key) {
        return redis.keyPrefix() + "s:" + key;
    }

    private String aliasKey(String key) {
        return redis.keyPrefix() + "a:" + key;
    }

    private String lockKey(String key) {
        return redis.keyPrefix() + "lock:" + key;
    }

    private String subjectKey(String issuerId, String subject) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((issuerId + "\n" + subject).getBytes(StandardCharsets.UTF_8));
            return redis.keyPrefix() + "u:" + Base64.getUrlEncoder().withoutPadding().encodeToString(h);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private long ttl(Session s) {
        return s.createdAtMillis() + maxAgeMillis - clock.getAsLong();
    }

    private byte[] seal(String redisKey, Session s) {
        byte[] plain = codec.encode(s);
        return plain == null ? null : sealer.seal(redisKey, plain);
    }

    /** A new session (or a replacement); completes with false when it was not written (too large, too old, Redis). */
    CompletableFuture<Boolean> put(String key, Session s) {
        String k = sessionKey(key);
        byte[] sealed = seal(k, s);
        long ttl = ttl(s);
        if (sealed == null || ttl <= 0) {
            return CompletableFuture.completedFuture(false);
        }
        String[] keys = {k, subjectKey(s.issuerId(), s.subject())};
        return redis.<Long>call(Op.SCRIPT, c -> c.eval(PUT, ScriptOutputType.INTEGER, keys, sealed, num(ttl),
                ascii(key), num(maxAgeMillis))).handle((v, e) -> e == null);
    }

    /** Rewrites a session that still exists (a touch, an earlier access expiry), keeping its TTL; never resurrects one. */
    CompletableFuture<Boolean> replace(String key, Session s) {
        String k = sessionKey(key);
        byte[] sealed = seal(k, s);
        if (sealed == null) {
            return CompletableFuture.completedFuture(false);
        }
        return redis.call(Op.SET, c -> c.set(k, sealed, SetArgs.Builder.xx().keepttl())).handle((v, e) -> e == null);
    }

    CompletableFuture<Boolean> delete(String key) {
        String k = sessionKey(key);
        return redis.call(Op.DELETE, c -> c.del(k)).handle((v, e) -> e == null);
    }

    CompletableFuture<Boolean> putAlias(String oldKey, SessionAlias a) {
        String k = aliasKey(oldKey);
        long ttl = a.untilMillis() - clock.getAsLong();
        if (ttl <= 0) {
            return CompletableFuture.completedFuture(false);
        }
        byte[] sealed = sealer.seal(k, alias(a));
        return redis.call(Op.SET, c -> c.set(k, sealed, SetArgs.Builder.px(ttl))).handle((v, e) -> e == null);
    }

    /** The session and the alias under this key; fails when Redis cannot be asked. */
    CompletableFuture<Found> read(String key) {
        String sk = sessionKey(key);
        String ak = aliasKey(key);
        return redis.<List<KeyValue<String, byte[]>>>call(Op.GET, c -> c.mget(sk, ak)).thenApply(values -> {
            Session s = null;
            SessionAlias a = null;
            for (KeyValue<String, byte[]> v : values) {
                if (!v.hasValue() || v.getValue().length > maxValue) {
                    continue; // absent, or larger than anything we write: refused unread
                }
                if (v.getKey().equals(sk)) {
                    s = codec.decode(sealer.open(sk, v.getValue()));
                    s = s != null && ttl(s) > 0 ? s : null;
                } else {
                    a = alias(sealer.open(ak, v.getValue()));
                }
            }
            return new Found(s, a);
        });
    }

    /** The next fencing token. */
    CompletableFuture<Long> fence() {
        String k = redis.keyPrefix() + "fence";
        return redis.call(Op.LOCK, c -> c.incr(k));
    }

    /** Takes the refresh lock of a session with this token for {@code ttlMillis}; true when taken. */
    CompletableFuture<Boolean> lock(String key, long fence, long ttlMillis) {
        String k = lockKey(key);
        return redis.call(Op.LOCK, c -> c.set(k, num(fence), SetArgs.Builder.nx().px(ttlMillis))).thenApply("OK"::equals);
    }

    CompletableFuture<Boolean> unlock(String key, long fence) {
        String[] keys = {lockKey(key)};
        return redis.<Long>call(Op.UNLOCK, c -> c.eval(UNLOCK, ScriptOutputType.INTEGER, keys, num(fence)))
                .handle((v, e) -> e == null);
    }

    /** The fenced rotation: 1 written, 0 the lock no longer holds this token, -1 the old session is gone. */
    CompletableFuture<Long> rotate(String oldKey, String newKey, Session fresh, SessionAlias a, long fence) {
        String nk = sessionKey(newKey);
        String ak = aliasKey(oldKey);
        byte[] sealed = seal(nk, fresh);
        long ttl = ttl(fresh);
        long aliasTtl = Math.max(1, a.untilMillis() - clock.getAsLong());
        if (sealed == null || ttl <= 0) {
            return CompletableFuture.completedFuture(0L);
        }
        String[] keys = {lockKey(oldKey), sessionKey(oldKey), nk, ak, subjectKey(fresh.issuerId(), fresh.subject())};
        return redis.call(Op.SCRIPT, c -> c.eval(ROTATE, ScriptOutputType.INTEGER, keys, num(fence), sealed, num(ttl),
                sealer.seal(ak, alias(a)), num(aliasTtl), ascii(newKey), num(maxAgeMillis)));
    }

    /** Ends every session of a subject in Redis; completes with their keys. */
    CompletableFuture<List<String>> removeSubject(String issuerId, String subject) {
        String[] keys = {subjectKey(issuerId, subject)};
        byte[] prefix = ascii(redis.keyPrefix() + "s:");
        return redis.<List<Object>>call(Op.SCRIPT, c -> c.eval(REMOVE_SUBJECT, ScriptOutputType.MULTI, keys, prefix))
                .thenApply(SessionRecords::strings);
    }

    /** The keys of a subject's sessions. */
    CompletableFuture<List<String>> subjectKeys(String issuerId, String subject) {
        String k = subjectKey(issuerId, subject);
        return redis.call(Op.GET, c -> c.smembers(k)).thenApply(members -> {
            List<String> out = new ArrayList<>();
            for (byte[] m : members) {
                out.add(new String(m, StandardCharsets.US_ASCII));
            }
            return out;
        });
    }

    /**
     * Brings the access expiry of the subject's sessions in Redis forward to at most {@code expiresAtMillis}
     * (rewritten only while they exist); completes with the keys changed.
     */
    CompletableFuture<List<String>> expireAccessBy(String issuerId, String subject, long expiresAtMillis) {
        return subjectKeys(issuerId, subject).thenCompose(keys -> {
            List<CompletableFuture<String>> changed = new ArrayList<>();
            for (String key : keys) {
                changed.add(read(key).thenCompose(found -> {
                    Session s = found.session();
                    if (s == null || !s.issuerId().equals(issuerId) || !s.subject().equals(subject)
                            || s.tokens().expiresAtMillis() <= expiresAtMillis) {
                        return CompletableFuture.completedFuture(null);
                    }
                    TokenSet t = s.tokens();
                    Session sooner = new Session(s.issuerId(), s.subject(), new TokenSet(t.accessToken(),
                            t.refreshToken(), t.idToken(), expiresAtMillis), s.createdAtMillis(), s.lastSeenMillis());
                    return replace(key, sooner).thenApply(ok -> ok ? key : null);
                }).exceptionally(e -> null));
            }
            return CompletableFuture.allOf(changed.toArray(CompletableFuture[]::new)).thenApply(v -> changed.stream()
                    .map(CompletableFuture::join).filter(Objects::nonNull).toList());
        });
    }

    private static List<String> strings(List<Object> values) {
        List<String> out = new ArrayList<>();
        for (Object o : values) {
            if (o instanceof byte[] b) {
                out.add(new String(b, StandardCharsets.US_ASCII));
            }
        }
        return out;
    }

    private static byte[] alias(SessionAlias a) {
        return (a.newKey() + "\n" + a.sealedNewId() + "\n" + a.untilMillis()).getBytes(StandardCharsets.US_ASCII);
    }

    private static SessionAlias alias(byte[] b) {
        if (b == null || b.length > MAX_ALIAS) {
            return null;
        }
        String[] p = new String(b, StandardCharsets.US_ASCII).split("\n", -1);
        try {
            return p.length == 3 && p[0].length() == SessionIds.LENGTH ? new SessionAlias(p[0], p[1], Long.parseLong(p[2]))
                    : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static byte[] num(long n) {
        return ascii(Long.toString(n));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
