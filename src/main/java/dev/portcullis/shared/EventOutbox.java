package dev.portcullis.shared;

import dev.portcullis.membership.DirectoryEvent;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The directory events this instance applied but could not yet give to the fleet (Redis down or
 * slow), bounded: they are published when Redis answers again. When it is full, what does not fit
 * is counted and one WARN said, until the outbox has emptied again.
 */
final class EventOutbox {
    private static final Logger log = LoggerFactory.getLogger(EventOutbox.class);

    /**
     * One event waiting.
     *
     * @param stored whether it is in the stream already (claimed and appended) and only the bus message is missing
     */
    record Pending(DirectoryEvent event, boolean stored) {
    }

    private final int capacity;
    private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
    private final AtomicBoolean warned = new AtomicBoolean();

    EventOutbox(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
    }

    /** Keeps an event for later; false (and a WARN the first time) when the outbox is full. */
    boolean offer(Pending p) {
        synchronized (waiting) {
            if (waiting.size() < capacity) {
                waiting.add(p);
                return true;
            }
        }
        if (warned.compareAndSet(false, true)) {
            log.warn("fleet event outbox full ({} events) while Redis is unavailable: further events are applied"
                    + " on this instance only (portcullis_fleet_events_dropped_total{{reason=\"outbox_full\"}})",
                    capacity);
        }
        return false;
    }

    /** Everything waiting, in order; the outbox is empty after. */
    List<Pending> takeAll() {
        synchronized (waiting) {
            List<Pending> all = new ArrayList<>(waiting);
            waiting.clear();
            warned.set(false);
            return all;
        }
    }

    int size() {
        synchronized (waiting) {
            return waiting.size();
        }
    }
}
