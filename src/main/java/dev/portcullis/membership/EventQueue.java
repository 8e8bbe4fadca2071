package dev.portcullis.membership;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.portcullis.config.IssuerConfig;
import dev.portcullis.config.OktaConfig.EventHook;
import dev.portcullis.config.ProxyConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@link DirectoryEvents} sink: de-duplicates by event uuid, orders each delivery by
 * {@code published}, and hands events to one {@link EventApplier} from one daemon thread
 * ({@code portcullis-directory-events}). {@link #submit} never blocks: a delivery that does not fit
 * in the bounded queue is refused whole ({@link DirectoryEvents.QueueFull}) and its uuids are
 * forgotten again, so Okta's retry (it retries on 5xx) is taken as new.
 *
 * <p>Uuids are remembered for {@code remember} (the overlay's bound, the longest
 * {@code max_token_lifetime}: an event older than that can concern no live token) and at most
 * {@code rememberCount} of them. An event that comes again after it was forgotten is applied again;
 * the overlay keeps only the latest-published word per user and group, so that is harmless.
 * Across deliveries, events are applied in the order their deliveries arrived; the overlay's
 * last-writer-wins by {@code published} makes a late older event safe.
 */
public final class EventQueue implements DirectoryEvents, AutoCloseable {
    private static final Comparator<DirectoryEvent> BY_PUBLISHED = Comparator.comparing(DirectoryEvent::published);
    private static final List<DirectoryEvent> STOP = List.of();

    /** What becomes of events, for metrics. Called from the submitting thread and the applier thread. */
    public interface Counts {
        void received(int n);

        void duplicate(int n);

        void refused(int n);

        void applied();

        Counts NONE = new Counts() {
            public void received(int n) {
            }

            public void duplicate(int n) {
            }

            public void refused(int n) {
            }

            public void applied() {
            }
        };
    }

    private final EventApplier applier;
    private final Counts counts;
    private final int capacity;
    private final AtomicInteger queued = new AtomicInteger();
    private final LinkedBlockingQueue<List<DirectoryEvent>> batches = new LinkedBlockingQueue<>();
    private final Cache<String, Boolean> seen;
    private final Thread thread;

    /**
     * @param capacity      events waiting to be applied at most; a delivery beyond it is refused
     * @param remember      how long an applied uuid is remembered
     * @param rememberCount how many uuids are remembered at most
     */
    public EventQueue(EventApplier applier, Counts counts, int capacity, Duration remember, long rememberCount) {
        this.applier = Objects.requireNonNull(applier, "applier");
        this.counts = Objects.requireNonNull(counts, "counts");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
        this.seen = Caffeine.newBuilder().expireAfterWrite(remember).maximumSize(rememberCount).build();
        this.thread = new Thread(this::run, "portcullis-directory-events");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * The queue a config asks for: {@code okta.event_hook}'s bounds (the defaults without one), uuids
     * remembered for the longest {@code max_token_lifetime} of the issuers (a day when none has one).
     */
    public static EventQueue forConfig(ProxyConfig config, EventApplier applier, Counts counts) {
        EventHook hook = config.okta().eventHook();
        Duration remember = config.issuers().stream().map(IssuerConfig::maxTokenLifetime).filter(Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(Duration.ofDays(1));
        return new EventQueue(applier, counts, hook == null ? EventHook.DEFAULT_QUEUE_CAPACITY : hook.queueCapacity(),
                remember, hook == null ? EventHook.DEFAULT_REMEMBER_EVENTS : hook.rememberEvents());
    }

    @Override
    public int submit(List<DirectoryEvent> events) {
        counts.received(events.size());
        List<DirectoryEvent> fresh = new ArrayList<>(events.size());
        for (DirectoryEvent e : events) {
            if (seen.asMap().putIfAbsent(e.uuid(), Boolean.TRUE) == null) {
                fresh.add(e);
            }
        }
        counts.duplicate(events.size() - fresh.size());
        if (fresh.isEmpty()) {
            return 0;
        }
        if (!reserve(fresh.size())) {
            fresh.forEach(e -> seen.invalidate(e.uuid()));
            counts.refused(fresh.size());
            throw new QueueFull(capacity);
        }
        fresh.sort(BY_PUBLISHED);
        batches.add(List.copyOf(fresh));
        return fresh.size();
    }

    private boolean reserve(int n) {
        while (true) {
            int q = queued.get();
            if (q + n > capacity) {
                return false;
            }
            if (queued.compareAndSet(q, q + n)) {
                return true;
            }
        }
    }

    /** Events taken and not yet applied. */
    public int queued() {
        return queued.get();
    }

    private void run() {
        try {
            while (true) {
                List<DirectoryEvent> batch = batches.take();
                if (batch == STOP) {
                    return;
                }
                for (DirectoryEvent e : batch) {
                    try {
                        applier.apply(e);
                        counts.applied();
                    } catch (RuntimeException ex) {
                        // One bad event must not stop the ones after it; the applier's own bug, logged.
                        org.slf4j.LoggerFactory.getLogger(EventQueue.class)
                                .error("applying directory event {} failed", e.uuid(), ex);
                    } finally {
                        queued.decrementAndGet();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the applier thread once what is queued now was applied. */
    @Override
    public void close() {
        batches.add(STOP);
    }
}
