package dev.portcullis.detect;

import dev.portcullis.detect.IntrusionListener.AlertOutcome;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Keeps what it was told, for assertions. */
final class RecordingListener implements IntrusionListener {
    final List<IntrusionEvent> events = new CopyOnWriteArrayList<>();
    final List<AlertOutcome> outcomes = new CopyOnWriteArrayList<>();
    final AtomicInteger logDropped = new AtomicInteger();

    @Override
    public void eventRaised(IntrusionEvent event) {
        events.add(event);
    }

    @Override
    public void logDropped() {
        logDropped.incrementAndGet();
    }

    @Override
    public void alert(AlertOutcome outcome) {
        outcomes.add(outcome);
    }

    long count(AlertOutcome o) {
        return outcomes.stream().filter(o::equals).count();
    }
}
