package dev.portcullis.membership;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** An {@link EventApplier} test double: keeps every event it was given, in order, and can hold the applier thread. */
public final class RecordingApplier implements EventApplier {
    private final List<DirectoryEvent> applied = new ArrayList<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);

    @Override
    public void apply(DirectoryEvent event) {
        try {
            gate.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (applied) {
            applied.add(event);
        }
    }

    /** The uuids applied so far, in order. */
    public List<String> uuids() {
        synchronized (applied) {
            return applied.stream().map(DirectoryEvent::uuid).toList();
        }
    }

    public List<DirectoryEvent> events() {
        synchronized (applied) {
            return List.copyOf(applied);
        }
    }

    /** Holds the applier thread in {@link #apply} until {@link #release}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        gate.countDown();
    }

    /** Waits (bounded, generously) until {@code count} events were applied. */
    public List<String> await(int count) throws InterruptedException {
        awaitTrue(() -> uuids().size() >= count, Duration.ofSeconds(10));
        return uuids();
    }

    static void awaitTrue(BooleanSupplier condition, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
