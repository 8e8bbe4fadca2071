package dev.portcullis.directory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts what the directory client reports. */
final class RecordingListener implements DirectoryListener {
    final Map<Outcome, AtomicInteger> calls = new ConcurrentHashMap<>();
    final AtomicInteger hits = new AtomicInteger();
    final AtomicInteger misses = new AtomicInteger();
    final AtomicInteger rateLimitWaits = new AtomicInteger();

    @Override
    public void called(Outcome outcome) {
        calls.computeIfAbsent(outcome, o -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void cacheLookup(boolean hit) {
        (hit ? hits : misses).incrementAndGet();
    }

    @Override
    public void rateLimitWait() {
        rateLimitWaits.incrementAndGet();
    }

    int calls(Outcome o) {
        AtomicInteger n = calls.get(o);
        return n == null ? 0 : n.get();
    }
}
