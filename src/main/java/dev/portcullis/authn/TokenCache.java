package dev.portcullis.authn;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.portcullis.vocab.Identity;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;

/**
 * Verified tokens, so that a caller's later requests cost a hash and a lookup instead of a
 * signature check. It holds identity, never decisions: every request is still authorized. A token
 * is kept at its first verification, or with second-use admission at its second ({@link #admit}).
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

    /** A SHA-256 digest as four longs: cheap to compare and hash; equal to a {@link Probe} of the same digest. */
    record TokenHash(long a, long b, long c, long d) {
        @Override
        public boolean equals(Object o) {
            return o instanceof TokenHash h ? h.a == a && h.b == b && h.c == c && h.d == d
                    : o instanceof Probe p && p.equals(this);
        }

        @Override
        public int hashCode() {
            return hashOf(a, b, c, d);
        }

        static int hashOf(long a, long b, long c, long d) {
            return Long.hashCode(a) * 31 * 31 * 31 + Long.hashCode(b) * 31 * 31 + Long.hashCode(c) * 31
                    + Long.hashCode(d);
        }
    }

    /** A verified token: who it names, which key verified it, and until when. */
    record Entry(AuthResult.Authenticated result, IssuerKeys keys, IssuerKeys.VerificationKey key, String kid,
            long expiresAtMillis) {
        Identity identity() {
            return result.identity();
        }
    }

    private final Cache<Object, Entry> cache; // keys: TokenHash; looked up by a Probe too
    /**
     * Second-use admission ({@code server.token_cache_admission: second_use}): a fingerprint per slot
     * of a token verified once and not kept; null when every verified token is kept at once. Written
     * by every event loop without a lock: a lost or mixed write only makes a token wait one more
     * verification to be kept, or kept one sooner. Either way only its verified result is cached, so a
     * race here can never let an unverified token in.
     */
    private final long[] seen;

    /** Every verified token kept at its first use ({@code first_use}). */
    TokenCache(long maxEntries, long maxBytes) {
        this(maxEntries, maxBytes, false);
    }

    /**
     * @param secondUse keep a verified token only when it is verified the second time, so that
     *                  tokens used once are never stored ({@code second_use})
     */
    TokenCache(long maxEntries, long maxBytes, boolean secondUse) {
        this.seen = secondUse ? new long[seenSlots(maxEntries)] : null;
        int floor = (int) Math.min(Integer.MAX_VALUE, Math.max(1, maxBytes / maxEntries));
        this.cache = Caffeine.newBuilder().maximumWeight(maxBytes)
                .<Object, Entry>weigher((k, e) -> Math.max(floor, weight(e.identity())))
                .executor(Runnable::run)
                .expireAfter(Expiry.<Object, Entry>writing((k, e) ->
                        Duration.ofMillis(Math.max(0, e.expiresAtMillis() - System.currentTimeMillis()))))
                .build();
    }

    /**
     * An estimate, on the high side, of the heap a cached caller holds: the entry, its key and
     * identity (≈0.8 KB), its own strings (subject, email, token id, client id), per group or scope
     * name a slot, an index entry and, for large sets, the name again in the forwarded header value;
     * and the identity assertion a request attaches to the identity once it is cached (see
     * {@code IdentityAssertions}: the signed JWT, kept for the caller's next request): a fixed
     * {@value #ASSERTION_BASE} bytes (its header, an RSA-2048 signature at most, its holders) and the
     * identity's text again, base64url-encoded. Measured in the proxy under load (a heap histogram,
     * 30,000 cached callers of 5 groups, assertions on): 1.93 KB each, of which the assertion ≈0.85 KB;
     * estimated 2.1 KB. With assertions off the estimate is ≈1 KB high: the cache holds fewer callers
     * than it might, never more heap than {@code maxBytes}.
     */
    static int weight(Identity id) {
        long text = len(id.subject()) + len(id.email()) + len(id.tokenId()) + len(id.clientId())
                + id.issuerId().length();
        long w = 768 + text;
        long named = 0; // the group and scope names, as the assertion lists them ("name",)
        for (String g : id.groups()) {
            w += 16 + g.length();
            named += 3 + g.length();
        }
        for (String s : id.scopes()) {
            w += 16 + s.length();
            named += 3 + s.length();
        }
        for (Object v : id.claims().values()) {
            w += 96;
            if (v instanceof List<?> list) {
                for (Object o : list) {
                    w += 16 + String.valueOf(o).length();
                }
            }
        }
        w += ASSERTION_BASE + (text + named) * 4 / 3;
        return (int) Math.min(Integer.MAX_VALUE, w);
    }

    /** The part of a cached identity assertion that does not grow with the identity (see {@link #weight}). */
    static final int ASSERTION_BASE = 640;

    private static int len(String s) {
        return s == null ? 0 : s.length();
    }

    /** A fresh, immutable hash of a token (to keep, e.g. as the key of a new entry). */
    static TokenHash hash(String token) {
        return probe(token).hash();
    }

    /**
     * This thread's {@link Probe}, set to the token's hash: a lookup allocates nothing (the token is
     * hashed from a per-thread buffer into a per-thread digest). Valid until the thread's next call.
     */
    static Probe probe(String token) {
        return probe(token, 0, token.length());
    }

    /** {@link #probe(String)} of {@code value.substring(start, end)}, without cutting it out. */
    static Probe probe(String value, int start, int end) {
        return PROBE.get().set(value, start, end);
    }

    private static final ThreadLocal<Probe> PROBE = ThreadLocal.withInitial(Probe::new);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /**
     * A lookup key equal to the {@link TokenHash} of the same digest, reused by its thread for each
     * lookup (a cache compares a lookup key and never keeps it). Never a key that is kept: {@link #hash}.
     */
    static final class Probe {
        private final MessageDigest md = SHA256.get();
        private final byte[] digest = new byte[32];
        private byte[] chars = new byte[4096];
        private long a;
        private long b;
        private long c;
        private long d;

        private Probe set(String value, int start, int end) {
            int n = end - start;
            if (chars.length < n) {
                chars = new byte[Math.max(n, chars.length * 2)];
            }
            for (int i = 0; i < n; i++) {
                char ch = value.charAt(start + i);
                chars[i] = ch <= 0xFF ? (byte) ch : (byte) '?'; // as String.getBytes(ISO_8859_1)
            }
            md.update(chars, 0, n);
            try {
                md.digest(digest, 0, 32);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
            a = (long) LONGS.get(digest, 0);
            b = (long) LONGS.get(digest, 8);
            c = (long) LONGS.get(digest, 16);
            d = (long) LONGS.get(digest, 24);
            return this;
        }

        /** The digest as a key to keep. */
        TokenHash hash() {
            return new TokenHash(a, b, c, d);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof TokenHash h && h.a() == a && h.b() == b && h.c() == c && h.d() == d;
        }

        @Override
        public int hashCode() {
            return TokenHash.hashOf(a, b, c, d);
        }
    }

    /** The cached result, or null when absent, expired, or verified by a key that is gone. */
    Entry get(TokenHash h, long nowMillis) {
        return get((Object) h, nowMillis);
    }

    /** {@link #get(TokenHash, long)} by this thread's probe. */
    Entry get(Probe p, long nowMillis) {
        return get((Object) p, nowMillis);
    }

    private Entry get(Object h, long nowMillis) {
        Entry e = cache.getIfPresent(h);
        if (e == null) {
            return null;
        }
        if (nowMillis >= e.expiresAtMillis() || e.keys().find(e.kid()) != e.key()) {
            cache.asMap().remove(h, e);
            return null;
        }
        return e;
    }

    void put(TokenHash h, Entry e) {
        cache.put(h, e);
    }

    /**
     * Whether a token just verified is to be kept. With second-use admission, the first verification
     * of a token only marks its slot (its fingerprint: other bits of the digest than the slot's) and
     * the second keeps it, clearing the slot. A token seen once before whose slot another token has
     * taken since is verified once more. A caller's second request therefore costs a verification,
     * and its third a lookup; a token used once costs no entry, no promotion into the old
     * generation, and no eviction of another caller.
     */
    boolean admit(TokenHash h) {
        if (seen == null) {
            return true;
        }
        int slot = (int) h.a() & (seen.length - 1);
        long fingerprint = h.b() | 1L; // never 0, the empty slot
        if (seen[slot] == fingerprint) {
            seen[slot] = 0;
            return true;
        }
        seen[slot] = fingerprint;
        return false;
    }

    /** Slots for second-use admission: a power of two about twice the entries, from 1,024 to 2^20 (8 MiB). */
    static int seenSlots(long maxEntries) {
        long want = Math.max(1024, Math.min(1L << 20, maxEntries * 2));
        return Integer.highestOneBit((int) want - 1) << 1;
    }

    /** Entries now, after pending evictions (for tests and diagnostics). */
    long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
