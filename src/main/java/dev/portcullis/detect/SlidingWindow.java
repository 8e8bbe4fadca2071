package dev.portcullis.detect;

import dev.portcullis.vocab.Reason;
import dev.portcullis.detect.IntrusionEvent.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The denials of one source over the last window, in {@link #SLOTS} slots of a tenth of the window
 * each. Each slot is one long: the slot's sequence number (high 32 bits) and its count (low 32),
 * so counting is one compare-and-set and never allocates. A count covers the current slot and the
 * nine before it: never a denial older than the window, and at least nine tenths of it.
 *
 * <p>The last {@link #SAMPLES} denials are kept as evidence only once the caller asks for them
 * (when the source comes near its threshold), so the many sources that never do cost no more.
 */
final class SlidingWindow {
    static final int SLOTS = 10;
    static final int SAMPLES = 10;
    private static final long COUNT_MASK = 0xFFFF_FFFFL;

    private final AtomicLongArray slots = new AtomicLongArray(SLOTS);
    private volatile Evidence evidence;

    /** Counts one denial in slot {@code seq} ({@code now / slotMillis}); returns the window's count. */
    int add(long seq) {
        int i = (int) Math.floorMod(seq, (long) SLOTS);
        long stamp = (seq & COUNT_MASK) << 32;
        while (true) {
            long v = slots.get(i);
            long next = (v & ~COUNT_MASK) != stamp ? stamp | 1 : (v & COUNT_MASK) == COUNT_MASK ? v : v + 1;
            if (v == next || slots.compareAndSet(i, v, next)) {
                return count(seq);
            }
        }
    }

    /** Denials in slot {@code seq} and the {@code SLOTS - 1} slots before it. */
    int count(long seq) {
        int current = (int) seq;
        long total = 0;
        for (int i = 0; i < SLOTS; i++) {
            long v = slots.get(i);
            int age = current - (int) (v >>> 32);
            if (age >= 0 && age < SLOTS) {
                total += v & COUNT_MASK;
            }
        }
        return (int) Math.min(total, Integer.MAX_VALUE);
    }

    /** Keeps a denial as evidence; allocates the evidence ring on first use only. */
    void sample(long nowMillis, Reason reason, String path) {
        Evidence e = evidence;
        if (e == null) {
            synchronized (this) {
                e = evidence;
                if (e == null) {
                    e = new Evidence();
                    evidence = e;
                }
            }
        }
        e.add(nowMillis, reason, path);
    }

    /** The samples kept, oldest first. */
    List<Sample> samples() {
        Evidence e = evidence;
        return e == null ? List.of() : e.list();
    }

    /** Starts over: after an event, the next one needs a fresh set of denials. */
    void reset() {
        for (int i = 0; i < SLOTS; i++) {
            slots.set(i, 0);
        }
        evidence = null;
    }

    /**
     * A ring of the last samples. Concurrent writers to one source may pair a reason with the path
     * of another of its denials: this is evidence, kept best-effort and without locks.
     */
    private static final class Evidence {
        private final AtomicInteger next = new AtomicInteger();
        /** (reason ordinal + 1) in the top 8 bits, epoch millis below; 0 = empty. */
        private final AtomicLongArray meta = new AtomicLongArray(SAMPLES);
        private final AtomicReferenceArray<String> paths = new AtomicReferenceArray<>(SAMPLES);

        void add(long nowMillis, Reason reason, String path) {
            int i = Math.floorMod(next.getAndIncrement(), SAMPLES);
            paths.set(i, path);
            meta.set(i, ((long) (reason.ordinal() + 1) << 56) | (nowMillis & 0x00FF_FFFF_FFFF_FFFFL));
        }

        List<Sample> list() {
            Reason[] reasons = Reason.values();
            int end = next.get();
            List<Sample> out = new ArrayList<>(SAMPLES);
            int have = end < 0 || end >= SAMPLES ? SAMPLES : end;
            for (int k = end - have; k != end; k++) {
                int i = Math.floorMod(k, SAMPLES);
                long m = meta.get(i);
                if (m != 0) {
                    out.add(new Sample(m & 0x00FF_FFFF_FFFF_FFFFL, reasons[(int) (m >>> 56) - 1], paths.get(i)));
                }
            }
            return out;
        }
    }
}
