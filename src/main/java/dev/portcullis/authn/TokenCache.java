package dev.portcullis.authn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.portcullis.authz.Identity;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;

/**
 * Verified tokens, so that a caller's second request costs a hash and a lookup instead of a
 * signature check. It holds identity, never decisions: every request is still authorized.
 *
 * <p>Keys are SHA-256 digests of the token (the token itself is never stored). An entry lives no
 * longer than the token's {@code exp}, and is dropped on use when the key that verified it has
 * left the issuer's key set. The size is bounded; eviction is Caffeine's (frequency-aware LRU), its upkeep
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

    TokenCache(long maxEntries) {
        this.cache = Caffeine.newBuilder().maximumSize(maxEntries).executor(Runnable::run)
                .expireAfter(Expiry.<TokenHash, Entry>writing((k, e) ->
                        Duration.ofMillis(Math.max(0, e.expiresAtMillis() - System.currentTimeMillis()))))
                .build();
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

    long size() {
        return cache.estimatedSize();
    }
}
