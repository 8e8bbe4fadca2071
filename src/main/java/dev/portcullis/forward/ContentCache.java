package dev.portcullis.forward;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Values computed from a header name's (or value's) characters, kept for the next request that
 * sends the same characters: a request asks this of every header, and clients send the same few
 * dozen names again and again. Looked up by the characters as they came ({@code String} or Netty's
 * {@code AsciiString}), with no allocation on a hit; compared exactly, character by character (two
 * spellings of one name are two entries, each with its own value).
 *
 * <p>Bounded: at most {@code maxEntries} entries of at most {@code maxLength} characters. Content
 * that is longer, or comes once the cache is full (a client sending made-up names fills it once and
 * for all), is computed on each call and not kept: slower, never a different answer.
 *
 * <p>Shared by the event loops without locks. An entry is immutable and reached through final
 * fields only, so a thread that sees the reference sees it whole (JLS 17.5); two threads filling the
 * same slot at once lose one entry, which is computed again the next time.
 */
final class ContentCache<V> {
    /** Slots looked at from a content's home slot before it counts as absent. */
    private static final int PROBES = 8;

    private record Entry<V>(String key, int hash, V value) {
    }

    private final Entry<V>[] table;
    private final int maxEntries;
    private final int maxLength;
    private final AtomicInteger size = new AtomicInteger();
    private final Function<String, V> compute;

    /** @param compute the value of some content (a pure function of its characters) */
    @SuppressWarnings("unchecked")
    ContentCache(int maxEntries, int maxLength, Function<String, V> compute) {
        this.table = new Entry[Integer.highestOneBit(Math.max(1, maxEntries) * 2 - 1) << 1];
        this.maxEntries = maxEntries;
        this.maxLength = maxLength;
        this.compute = compute;
    }

    /** The value of {@code content}: kept, or computed (and kept while there is room). */
    V get(CharSequence content) {
        if (content.length() > maxLength) {
            return compute.apply(content.toString());
        }
        int hash = hash(content);
        int mask = table.length - 1;
        int free = -1;
        for (int i = 0, s = hash & mask; i < PROBES; i++, s = (s + 1) & mask) {
            Entry<V> e = table[s];
            if (e == null) {
                free = s;
                break;
            }
            if (e.hash == hash && sameContent(e.key, content)) {
                return e.value;
            }
        }
        String key = content.toString();
        V value = compute.apply(key);
        if (free >= 0 && size.get() < maxEntries && size.incrementAndGet() <= maxEntries) {
            table[free] = new Entry<>(key, hash, value);
        }
        return value;
    }

    /** Entries kept (for tests). */
    int size() {
        int n = 0;
        for (Entry<V> e : table) {
            n += e == null ? 0 : 1;
        }
        return n;
    }

    static int hash(CharSequence s) {
        int h = 0;
        for (int i = 0; i < s.length(); i++) {
            h = 31 * h + s.charAt(i);
        }
        return h ^ (h >>> 16);
    }

    private static boolean sameContent(String key, CharSequence content) {
        if (key.length() != content.length()) {
            return false;
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) != content.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
