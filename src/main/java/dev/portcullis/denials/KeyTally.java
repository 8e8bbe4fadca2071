package dev.portcullis.denials;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts occurrences per key with first and last seen, in bounded memory: once {@code maxKeys}
 * distinct keys are held, a new key is counted in a single "other" bucket instead. Keys already
 * held keep being counted exactly, so a heavy hitter seen before the cap is never lost.
 */
final class KeyTally<K> {
    private final int maxKeys;
    private final Map<K, Stat> byKey = new HashMap<>();
    private final Stat other = new Stat();

    KeyTally(int maxKeys) {
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys must be positive");
        }
        this.maxKeys = maxKeys;
    }

    void add(K key, long epochMillis) {
        Stat s = byKey.get(key);
        if (s == null) {
            if (byKey.size() >= maxKeys) {
                other.add(epochMillis);
                return;
            }
            s = new Stat();
            byKey.put(key, s);
        }
        s.add(epochMillis);
    }

    /** The {@code n} keys with the highest counts; ties in key order, so output is stable. */
    List<DenialReport.Counted<K>> top(int n, Comparator<K> keyOrder) {
        List<Map.Entry<K, Stat>> all = new ArrayList<>(byKey.entrySet());
        all.sort(Comparator.<Map.Entry<K, Stat>>comparingLong(e -> -e.getValue().count)
                .thenComparing(Map.Entry::getKey, keyOrder));
        List<DenialReport.Counted<K>> out = new ArrayList<>(Math.min(n, all.size()));
        for (Map.Entry<K, Stat> e : all.subList(0, Math.min(n, all.size()))) {
            Stat s = e.getValue();
            out.add(new DenialReport.Counted<>(e.getKey(), s.count, s.first, s.last));
        }
        return out;
    }

    /** Distinct keys held (not counting the other bucket). */
    int distinct() {
        return byKey.size();
    }

    /** What fell into the other bucket because the cap was reached. */
    long otherCount() {
        return other.count;
    }

    private static final class Stat {
        long count;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;

        void add(long t) {
            count++;
            first = Math.min(first, t);
            last = Math.max(last, t);
        }
    }
}
