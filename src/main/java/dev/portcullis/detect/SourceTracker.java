package dev.portcullis.detect;

import dev.portcullis.vocab.Blocked;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.config.DetectionConfig;
import dev.portcullis.vocab.Reason;
import dev.portcullis.detect.IntrusionEvent.Kind;
import java.time.Duration;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * Denials of one kind of source (client addresses, or subjects): a {@link SlidingWindow} per key,
 * and a hold per key that raised an event. While a hold lasts the key raises no further event;
 * with blocking on, the hold is a block and the key's denials are not even counted (its requests
 * are refused before they could be denied), so a block is never extended by the requests it
 * refuses. Both maps are bounded by size and forget idle keys.
 *
 * <p>Times are the caller's ({@code nowMillis}), so tests run on a fake clock; Caffeine's own
 * expiry only frees memory.
 */
final class SourceTracker {
    private final String name;
    private final Kind kind;
    private final int threshold;
    private final Duration window;
    private final long slotMillis;
    private final long holdMillis;
    private final boolean block;
    private final int status;
    private final Cache<String, SlidingWindow> windows;
    private final Cache<String, Hold> holds;
    private final Function<String, SlidingWindow> newWindow = key -> new SlidingWindow();

    /** A key that raised an event: quiet until {@code until}; refused too when {@code blocked} is set. */
    private record Hold(long until, Blocked blocked) {
    }

    SourceTracker(String name, Kind kind, int threshold, DetectionConfig c) {
        this.name = name;
        this.kind = kind;
        this.threshold = threshold;
        this.window = c.window();
        this.slotMillis = Math.max(1, c.window().toMillis() / SlidingWindow.SLOTS);
        this.block = c.block().enabled();
        this.status = c.block().status();
        // Without blocking, one event per window at most; with it, one per block.
        this.holdMillis = block ? c.block().cooldown().toMillis() : c.window().toMillis();
        this.windows = Caffeine.newBuilder().maximumSize(c.maxTrackedSources()).executor(Runnable::run)
                .expireAfterAccess(c.window()).build();
        this.holds = Caffeine.newBuilder().maximumSize(c.maxTrackedSources()).executor(Runnable::run)
                .expireAfterWrite(Duration.ofMillis(holdMillis)).build();
    }

    /** The block on {@code key} at {@code nowMillis}, or null. */
    Blocked blocked(String key, long nowMillis) {
        if (!block) {
            return null;
        }
        Hold h = holds.getIfPresent(key);
        return h != null && nowMillis < h.until() ? h.blocked() : null;
    }

    /**
     * Counts a denial of {@code key}; returns the event it raises, or null. An instant denial
     * raises one whatever the count. {@code mayRaise} false only counts (another kind of source
     * raised an event for the same request; this one will raise on its next denial).
     */
    IntrusionEvent record(String key, Reason reason, String path, long nowMillis, boolean instant, boolean mayRaise) {
        if (threshold == 0 && !instant) {
            return null; // counting is off for this kind: keep no state for it
        }
        Hold h = holds.getIfPresent(key);
        boolean held = h != null && nowMillis < h.until();
        if (held && h.blocked() != null) {
            return null;
        }
        SlidingWindow w = windows.get(key, newWindow);
        int count = w.add(nowMillis / slotMillis);
        if (instant || count > threshold - SlidingWindow.SAMPLES) {
            w.sample(nowMillis, reason, path);
        }
        boolean tripped = instant || (threshold > 0 && count >= threshold);
        if (!tripped || held || !mayRaise) {
            return null;
        }
        return raise(key, w, count, nowMillis, instant ? Kind.INSTANT : kind);
    }

    /** Places the hold; of several threads crossing at once, exactly one wins and reports. */
    private IntrusionEvent raise(String key, SlidingWindow w, int count, long nowMillis, Kind k) {
        long until = nowMillis + holdMillis;
        Hold next = new Hold(until, block ? new Blocked(name, key, until, status) : null);
        ConcurrentMap<String, Hold> map = holds.asMap();
        while (true) {
            Hold cur = map.get(key);
            if (cur != null && nowMillis < cur.until()) {
                return null;
            }
            if (cur == null ? map.putIfAbsent(key, next) == null : map.replace(key, cur, next)) {
                break;
            }
        }
        IntrusionEvent e = new IntrusionEvent(k, key, count, window, w.samples(), block, block ? until : 0,
                nowMillis);
        w.reset();
        return e;
    }

    /**
     * Installs a hold decided elsewhere (by the fleet) until {@code until}: a block when blocking
     * is on. A hold already in force here that lasts as long is kept. Never raises an event.
     */
    void hold(String key, long until, long nowMillis) {
        if (until <= nowMillis) {
            return;
        }
        Hold next = new Hold(until, block ? new Blocked(name, key, until, status) : null);
        holds.asMap().merge(key, next, (cur, n) -> cur.until() >= n.until() ? cur : n);
    }

    /** The evidence kept of {@code key}'s denials, oldest first (empty when none). */
    java.util.List<IntrusionEvent.Sample> samples(String key) {
        SlidingWindow w = windows.getIfPresent(key);
        return w == null ? java.util.List.of() : w.samples();
    }

    /** Whether a denial of this key is counted: the kind is counted and the key is not blocked. */
    boolean counts(String key, long nowMillis, boolean instant) {
        return (threshold > 0 || instant) && blocked(key, nowMillis) == null;
    }

    /** Blocks in force at {@code nowMillis} (walks the holds: for a metrics scrape, not requests). */
    int blockedCount(long nowMillis) {
        if (!block) {
            return 0;
        }
        int n = 0;
        for (Hold h : holds.asMap().values()) {
            if (nowMillis < h.until()) {
                n++;
            }
        }
        return n;
    }

    /** Keys tracked now, after pending evictions (for tests and diagnostics). */
    long trackedKeys() {
        windows.cleanUp();
        holds.cleanUp();
        return windows.estimatedSize() + holds.estimatedSize();
    }
}
