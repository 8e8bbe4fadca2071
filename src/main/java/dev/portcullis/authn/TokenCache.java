package dev.portcullis.authn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.portcullis.vocab.Identity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;

/**
 * Verified tokens, so that a caller's second request costs a hash and a lookup instead of a
 * signature check. It holds identity, never decisions: every request is still authorized.
 *
 * <p>Keys are SHA-256 digests of the token (the token itself is never stored). An entry lives no
 * longer than the token's {@code exp}, and is dropped on use when the key that verified it has
 * left the issuer's key set. The cache is bounded twice, by entries and by an estimate of the heap
 * they hold (a caller with 100 groups holds about five times what a caller with 5 does, so a
 * count alone would let a directory with large groups outgrow the heap): each entry weighs its
 * estimate, but at least {@code maxBytes / maxEntries}, so neither bound can be passed. Eviction is
 * Caffeine's (frequency-aware LRU), its upkeep
 * done by the calling event loop in small amortized steps rather than handed to another thread
 * (a hand-off per few requests was a measurable share of the hot path's context switches).
 */
final class TokenCache {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** A SHA-256 digest as four longs: cheap to compare and hash. */
    record TokenHash(long a, long b, long c, long d) {
    }

    /** A verified token: who it names, which key verified it, and until when. */
    record Entry(AuthResult.Authenticated result, IssuerKeys keys, IssuerKeys.VerificationKey key, String kid,
            long expiresAtMillis) {
        Identity identity() {
            return result.identity();
        }
    }

    private final Cache<TokenHash, Entry> cache;

    TokenCache(long maxEntries, long maxBytes) {
        int floor = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBytes / maxEntries));
        this.cache = Caffeine.newBuilder().maximumWeight(maxBytes)
                .<TokenHash, Entry>weigher((k, e) -> Math.max(floor, weight(e.identity())))
                .executor(Runnable::run)
                .expireAfter(Expiry.<TokenHash, Entry>writing((k, e) ->
                        Duration.ofMillis(Math.max(0, e.expiresAtMillis() - System.currentTimeMillis()))))
                .build();
    }

    /**
     * An estimate, on the high side, of the heap a cached caller holds: the entry, its key and
     * identity (≈0.8 KB), and per group or scope name a slot, an index entry and, for large sets,
     * the name again in the forwarded header value. Measured with 20,000 identities: 5 groups
     * ≈0.5 KB, 100 groups of 26-character names ≈4.5 KB, before the cache's own ≈0.3 KB.
     */
    static int weight(Identity id) {
        long w = 768;
        for (String g : id.groups()) {
            w += 16 + g.length();
        }
        for (String s : id.scopes()) {
            w += 16 + s.length();
        }
        for (Object v : id.claims().values()) {
            w += 96;
            if (v instanceof List<?> list) {
                for (Object o : list) {
                    w += 16 + String.valueOf(o).length();
                }
            }
        }
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    static TokenHash hash(String token) {
        MessageDigest md = SHA256.get();
        ByteBuffer d = ByteBuffer.wrap(md.digest(token.getBytes(StandardCharsets.ISO_8859_1)));
        return new TokenHash(d.getLong(), d.getLong(), d.getLong(), d.getLong());
    }

    /** The cached result, or null when absent, expired, or verified by a key that is gone. */
    Entry get(TokenHash h, long nowMillis) {
        Entry e = cache.getIfPresent(h);
        if (e == null) {
            return null;
        }
        if (nowMillis >= e.expiresAtMillis() || e.keys().find(e.kid()) != e.key()) {
            cache.invalidate(h);
            return null;
        }
        return e;
    }

    void put(TokenHash h, Entry e) {
        cache.put(h, e);
    }

    /** Entries now, after pending evictions (for tests and diagnostics). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
