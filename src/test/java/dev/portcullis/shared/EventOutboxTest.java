package dev.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.membership.DirectoryEvent;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventOutboxTest {
    private static EventOutbox.Pending pending(String uuid) {
        return new EventOutbox.Pending(new DirectoryEvent(uuid, DirectoryEvent.Type.OPERATOR_REVOKE, Instant.EPOCH,
                null, "a", null, null, null), false);
    }

    @Test
    void keepsUpToItsCapacityInOrderAndTakesAgainOnceEmptied() {
        EventOutbox outbox = new EventOutbox(2);
        assertThat(outbox.offer(pending("1"))).isTrue();
        assertThat(outbox.offer(pending("2"))).isTrue();
        assertThat(outbox.offer(pending("3"))).isFalse();
        assertThat(outbox.size()).isEqualTo(2);

        assertThat(outbox.takeAll()).extracting(p -> p.event().uuid()).containsExactly("1", "2");
        assertThat(outbox.size()).isZero();
        assertThat(outbox.offer(pending("4"))).isTrue();
        assertThat(outbox.takeAll()).extracting(p -> p.event().uuid()).containsExactly("4");
    }
}
