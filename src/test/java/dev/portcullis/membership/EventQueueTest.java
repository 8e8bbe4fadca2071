package dev.portcullis.membership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.membership.DirectoryEvent.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventQueueTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private final RecordingApplier applier = new RecordingApplier();
    private final AtomicInteger duplicates = new AtomicInteger();
    private final AtomicInteger refused = new AtomicInteger();
    private final AtomicInteger applied = new AtomicInteger();
    private final EventQueue.Counts counts = new EventQueue.Counts() {
        public void received(int n) {
        }

        public void duplicate(int n) {
            duplicates.addAndGet(n);
        }

        public void refused(int n) {
            refused.addAndGet(n);
        }

        public void applied() {
            applied.incrementAndGet();
        }
    };
    private EventQueue queue = new EventQueue(applier, counts, 5, Duration.ofHours(1), 1000);

    @AfterEach
    void stop() {
        applier.release();
        queue.close();
    }

    static DirectoryEvent event(String uuid, int second) {
        return new DirectoryEvent(uuid, Type.MEMBERSHIP_REMOVE, T0.plusSeconds(second), "00u1", "bob@example.com",
                "00g1", "orders-admins", null);
    }

    @Test
    void appliesEachDeliveryInPublishedOrder() throws InterruptedException {
        assertThat(queue.submit(List.of(event("c", 3), event("a", 1), event("b", 2)))).isEqualTo(3);

        assertThat(applier.await(3)).containsExactly("a", "b", "c");
        RecordingApplier.awaitTrue(() -> applied.get() == 3, Duration.ofSeconds(10));
        assertThat(applied).hasValue(3);
    }

    @Test
    void appliesAnEventOnceHoweverOftenItComes() throws InterruptedException {
        queue.submit(List.of(event("a", 1), event("b", 2)));
        assertThat(queue.submit(List.of(event("b", 2), event("c", 3), event("c", 3)))).isEqualTo(1);
        assertThat(queue.submit(List.of(event("a", 1)))).isZero();

        assertThat(applier.await(3)).containsExactly("a", "b", "c");
        assertThat(duplicates).hasValue(3);
    }

    @Test
    void refusesADeliveryThatDoesNotFitWholeAndTakesItWhenItComesAgain() throws InterruptedException {
        applier.hold();
        queue.submit(List.of(event("a", 1), event("b", 2), event("c", 3), event("d", 4)));

        assertThatThrownBy(() -> queue.submit(List.of(event("e", 5), event("f", 6))))
                .isInstanceOf(DirectoryEvents.QueueFull.class);
        assertThat(refused).hasValue(2);
        assertThat(queue.queued()).isEqualTo(4);

        applier.release();
        assertThat(applier.await(4)).containsExactly("a", "b", "c", "d");
        RecordingApplier.awaitTrue(() -> queue.queued() == 0, Duration.ofSeconds(10));
        // The refused uuids were forgotten: Okta's retry is new, not a duplicate.
        assertThat(queue.submit(List.of(event("f", 6), event("e", 5)))).isEqualTo(2);
        assertThat(applier.await(6)).containsExactly("a", "b", "c", "d", "e", "f");
    }

    @Test
    void anApplierThatThrowsDoesNotStopTheEventsAfter() throws InterruptedException {
        queue.close();
        RecordingApplier after = new RecordingApplier();
        queue = new EventQueue(e -> {
            if (e.uuid().equals("bad")) {
                throw new IllegalStateException("overlay bug");
            }
            after.apply(e);
        }, counts, 10, Duration.ofHours(1), 1000);

        queue.submit(List.of(event("bad", 1), event("good", 2)));

        assertThat(after.await(1)).containsExactly("good");
    }

    @Test
    void remembersAtMostTheConfiguredNumberOfUuids() throws InterruptedException {
        queue.close();
        queue = new EventQueue(applier, counts, 100_000, Duration.ofHours(1), 1000);
        for (int i = 0; i < 20_000; i++) {
            queue.submit(List.of(event("e" + i, i)));
        }
        applier.await(20_000);
        // The uuid memory is a bounded cache: long after, an old uuid is no longer known (and applying it
        // again is harmless to a last-writer-wins overlay).
        RecordingApplier.awaitTrue(() -> queue.submit(List.of(event("e0", 0))) == 1, Duration.ofSeconds(10));
        assertThat(applier.await(20_001)).hasSize(20_001);
    }
}
