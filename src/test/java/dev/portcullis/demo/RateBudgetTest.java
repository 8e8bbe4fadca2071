package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class RateBudgetTest {
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:10Z"));
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    };

    @Test
    void countsDownThenRefusesUntilTheWindowResets() {
        RateBudget budget = new RateBudget(2, clock);
        long reset = now.get().getEpochSecond() + 60;

        assertThat(budget.take()).isEqualTo(new RateBudget.Take(true, 2, 1, reset));
        now.set(now.get().plusSeconds(59));
        assertThat(budget.take()).isEqualTo(new RateBudget.Take(true, 2, 0, reset));
        assertThat(budget.take()).isEqualTo(new RateBudget.Take(false, 2, 0, reset));

        now.set(Instant.ofEpochSecond(reset));
        assertThat(budget.take()).isEqualTo(new RateBudget.Take(true, 2, 1, reset + 60));
    }

    @Test
    void stampsOktasThreeHeaders() {
        Reply r = new RateBudget.Take(false, 5, 0, 1767225670L).stamp(Reply.text(429, ""));

        assertThat(r.headers()).containsEntry("X-Rate-Limit-Limit", "5").containsEntry("X-Rate-Limit-Remaining", "0")
                .containsEntry("X-Rate-Limit-Reset", "1767225670");
    }

    @Test
    void aLimitBelowOneIsRefused() {
        assertThatThrownBy(() -> new RateBudget(0, clock)).isInstanceOf(IllegalArgumentException.class);
    }
}
