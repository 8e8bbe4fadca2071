package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The body clock, on made-up nanosecond times: only time spent waiting for the client counts. */
class BodyPaceTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);
    private static final long T0 = 1_000 * S; // any origin: nanoTime values are only compared

    @Test
    void theGapRunsFromTheFirstDemandNotFromLaterOnes() {
        BodyPace p = started(0);
        assertThat(p.deadline()).as("nothing asked for yet").isEqualTo(BodyPace.NONE);
        p.demanded(T0);
        p.demanded(T0 + S / 2); // asking again does not restart the wait

        assertThat(p.deadline()).isEqualTo(T0 + 30 * S);
        assertThat(p.expired(T0 + 30 * S - 1)).isFalse();
        assertThat(p.expired(T0 + 30 * S)).isTrue();
    }

    @Test
    void bytesEndTheWaitAndTheNextDemandStartsANewOne() {
        BodyPace p = started(0);
        p.demanded(T0);
        assertThat(p.received(100, T0 + 29 * S)).isTrue();

        assertThat(p.deadline()).isEqualTo(BodyPace.NONE);
        assertThat(p.expired(T0 + 40 * S)).as("not waiting: the proxy holds off (back-pressure)").isFalse();
        p.demanded(T0 + 100 * S);
        assertThat(p.deadline()).isEqualTo(T0 + 130 * S);
    }

    @Test
    void aStoppedBodyIsNeverWaitedFor() {
        BodyPace p = started(0);
        p.demanded(T0);
        p.stop();

        assertThat(p.expired(T0 + 60 * S)).isFalse();
        assertThat(p.deadline()).isEqualTo(BodyPace.NONE);
        p.demanded(T0 + 61 * S);
        assertThat(p.deadline()).as("demands after the end do not start a clock").isEqualTo(BodyPace.NONE);
    }

    /** 1 byte every {@code gap} seconds against a minimum of 10 B/s, with the 30 s grace. */
    @ParameterizedTest(name = "a byte every {0}s: still accepted after {1} bytes, refused at byte {2}")
    @CsvSource({"29, 1, 2", "10, 3, 4", "1, 30, 31"})
    void aTrickleIsRefusedOnceTheGraceIsOverAndTheRateIsLow(long gap, int lastAccepted, int refusedAt) {
        BodyPace p = started(10);
        long now = T0;
        for (int i = 1; i <= refusedAt; i++) {
            p.demanded(now);
            now += gap * S;
            boolean ok = p.received(1, now);
            assertThat(ok).as("byte %d at %ds", i, (now - T0) / S).isEqualTo(i <= lastAccepted);
        }
    }

    @Test
    void aFastBodyPassesTheMinimumRateHoweverLongItTakes() {
        BodyPace p = started(10);
        long now = T0;
        for (int i = 0; i < 600; i++) { // ten minutes of 1 KB a second
            p.demanded(now);
            now += S;
            assertThat(p.received(1024, now)).isTrue();
        }
    }

    @Test
    void timeTheProxyHeldOffDoesNotCountAgainstTheRate() {
        BodyPace p = started(10);
        p.demanded(T0);
        assertThat(p.received(20, T0 + 2 * S)).isTrue();
        // The upstream is slow: the proxy asks for nothing for ten minutes, then 40 s of quick reads.
        long now = T0 + 602 * S;
        for (int i = 0; i < 40; i++) {
            p.demanded(now);
            now += S;
            assertThat(p.received(20, now)).as("second %d", i).isTrue();
        }
    }

    @Test
    void minimumRateZeroIsOff() {
        BodyPace p = started(0);
        long now = T0;
        for (int i = 0; i < 100; i++) {
            p.demanded(now);
            now += 29 * S;
            assertThat(p.received(1, now)).isTrue();
        }
    }

    private static BodyPace started(long minRate) {
        BodyPace p = new BodyPace();
        p.start(30 * S, minRate);
        return p;
    }
}
