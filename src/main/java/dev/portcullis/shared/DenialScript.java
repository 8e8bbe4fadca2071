package dev.portcullis.shared;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one Lua script of fleet-wide detection: counts a denial in its source's sliding window (a
 * hash of per-slot counters, expiring with the window) and, when the fleet's total crosses the
 * threshold (or the caller's own count already did), places the source's block with
 * {@code SET NX PX} and records it in the fleet's blocks hash, atomically: of several instances
 * crossing at once exactly one gets {@code placed}. Run with EVALSHA; loaded once with
 * {@link #load} (at every resync) and again after a {@code NOSCRIPT} (a restarted Redis).
 */
final class DenialScript {
    /*
     * KEYS: 1 the source's window, 2 its block, 3 the fleet's blocks (hash).
     * ARGV: 1 the slot now, 2 slots per window, 3 window ms, 4 threshold (0: off), 5 '1': block
     * whatever the count, 6 block ms, 7 field in the blocks hash, 8 the block's record, 9 '1': count.
     */
    static final String LUA = """
            local slot = tonumber(ARGV[1])
            local total = 0
            if ARGV[9] == '1' then
              redis.call('HINCRBY', KEYS[1], ARGV[1], 1)
              local all = redis.call('HGETALL', KEYS[1])
              local oldest = slot - tonumber(ARGV[2]) + 1
              for i = 1, #all, 2 do
                if tonumber(all[i]) < oldest then
                  redis.call('HDEL', KEYS[1], all[i])
                else
                  total = total + tonumber(all[i + 1])
                end
              end
              redis.call('PEXPIRE', KEYS[1], ARGV[3])
            end
            local threshold = tonumber(ARGV[4])
            local placed = 0
            if ARGV[5] == '1' or (threshold > 0 and total >= threshold) then
              if redis.call('SET', KEYS[2], ARGV[8], 'NX', 'PX', ARGV[6]) then
                placed = 1
                redis.call('HSET', KEYS[3], ARGV[7], ARGV[8])
                if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[6]) then
                  redis.call('PEXPIRE', KEYS[3], ARGV[6])
                end
                redis.call('DEL', KEYS[1])
              end
            end
            return {total, placed}
            """;
    static final String SHA = sha1(LUA);

    /** What the script answered: the fleet's count in the window, and whether this call placed the block. */
    record Result(long total, boolean placed) {
    }

    private final RedisConnection redis;

    DenialScript(RedisConnection redis) {
        this.redis = redis;
    }

    /** Loads the script (after a restart Redis has forgotten it). */
    CompletableFuture<String> load() {
        return redis.call(SharedStateListener.Op.SCRIPT, c -> c.scriptLoad(LUA));
    }

    CompletableFuture<Result> run(String[] keys, byte[][] args) {
        return this.<List<Object>>evalsha(keys, args).handle((r, e) -> {
            if (e == null) {
                return CompletableFuture.completedFuture(r);
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof RedisNoScriptException) {
                return load().thenCompose(sha -> this.<List<Object>>evalsha(keys, args));
            }
            return CompletableFuture.<List<Object>>failedFuture(cause);
        }).thenCompose(f -> f).thenApply(r -> new Result((Long) r.get(0), ((Long) r.get(1)) == 1L));
    }

    private <T> CompletableFuture<T> evalsha(String[] keys, byte[][] args) {
        return redis.call(SharedStateListener.Op.SCRIPT, c -> c.<T>evalsha(SHA, ScriptOutputType.MULTI, keys, args));
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }
}
