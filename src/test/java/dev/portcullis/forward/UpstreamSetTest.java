package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.OutlierConfig;
import dev.portcullis.forward.UpstreamEvents.Failure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The ejection state machine and the balancing of {@link UpstreamSet}, on an injected clock. */
class UpstreamSetTest {
    private static final OutlierConfig THREE_FAILURES = new OutlierConfig(3, Duration.ofSeconds(10),
            Duration.ofSeconds(35), 50);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> events = new ArrayList<>();
    private final UpstreamEvents recording = new UpstreamEvents() {
        @Override
        public void failed(String upstream, Failure kind) {
            events.add("failed " + upstream + " " + kind.code());
        }

        @Override
        public void ejected(String upstream) {
            events.add("ejected " + upstream);
        }

        @Override
        public void retried() {
            events.add("retried");
        }
    };

    private UpstreamSet set(int upstreams, boolean leastRequest, OutlierConfig outlier) {
        List<UpstreamSet.Member> members = IntStream.range(0, upstreams).mapToObj(i -> {
            Upstream u = Upstream.parse("http://10.0.0." + i + ":80");
            return new UpstreamSet.Member(u, new UpstreamHealth(), UpstreamSet.label(u));
        }).toList();
        return new UpstreamSet(members, leastRequest, outlier, recording, now::get);
    }

    private void advance(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    private static Map<String, Integer> spread(UpstreamSet s, int picks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < picks; i++) {
            counts.merge(s.pick(null).label(), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void roundRobinTakesEachInTurn() {
        UpstreamSet s = set(3, false, THREE_FAILURES);

        assertThat(IntStream.range(0, 6).mapToObj(i -> s.pick(null).label()).toList()).containsExactly(
                "http://10.0.0.0:80", "http://10.0.0.1:80", "http://10.0.0.2:80",
                "http://10.0.0.0:80", "http://10.0.0.1:80", "http://10.0.0.2:80");
    }

    @ParameterizedTest
    @EnumSource(Failure.class)
    void everyKindOfFailureInARowEjectsAndASuccessStartsTheCountAgain(Failure kind) {
        UpstreamSet s = set(2, false, THREE_FAILURES);
        UpstreamSet.Member bad = s.members().get(1);

        s.failed(bad, kind);
        s.failed(bad, kind);
        s.succeeded(bad);
        s.failed(bad, kind);
        s.failed(bad, kind);
        assertThat(s.inRotation(bad)).as("two in a row after a success").isTrue();

        s.failed(bad, kind);
        assertThat(s.inRotation(bad)).isFalse();
        assertThat(s.ejected(bad)).isTrue();
        assertThat(events).containsOnlyOnce("ejected http://10.0.0.1:80")
                .contains("failed http://10.0.0.1:80 " + kind.code());
        assertThat(spread(s, 10)).containsOnlyKeys("http://10.0.0.0:80");
    }

    @Test
    void theBackOffDoublesWithEachEjectionThatFollowsSoonCappedAtTheMaximum() {
        UpstreamSet s = set(2, false, THREE_FAILURES);
        UpstreamSet.Member bad = s.members().get(1);
        List<Long> lengths = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            eject(s, bad);
            long seconds = 0;
            while (s.ejected(bad)) {
                advance(1);
                seconds++;
            }
            lengths.add(seconds);
        }
        assertThat(lengths).containsExactly(10L, 20L, 35L, 35L);
    }

    @Test
    void anUpstreamThatStaysInForMaxEjectionStartsAgainFromTheBase() {
        UpstreamSet s = set(2, false, THREE_FAILURES);
        UpstreamSet.Member bad = s.members().get(1);
        eject(s, bad);
        advance(10);
        assertThat(s.inRotation(bad)).isTrue();
        eject(s, bad);
        advance(20);
        assertThat(s.inRotation(bad)).as("the second ejection lasted 20 s").isTrue();

        advance(35);
        eject(s, bad);
        advance(10);
        assertThat(s.inRotation(bad)).as("back to the base after 35 s in the rotation").isTrue();
    }

    @Test
    void theLastUpstreamInIsNeverEjectedAndThePercentBoundsTheRest() {
        UpstreamSet s = set(4, false, THREE_FAILURES);
        List<UpstreamSet.Member> m = s.members();
        eject(s, m.get(0));
        eject(s, m.get(1));
        eject(s, m.get(2));

        assertThat(m.stream().map(s::ejected).toList()).as("50% of 4: two out, the third stays")
                .containsExactly(true, true, false, false);

        UpstreamSet two = set(2, false, new OutlierConfig(3, Duration.ofSeconds(10), Duration.ofSeconds(10), 0));
        eject(two, two.members().get(0));
        eject(two, two.members().get(1));
        assertThat(two.members().stream().map(two::ejected).toList())
                .as("one may always be out, never the last one").containsExactly(true, false);
    }

    @Test
    void oneUpstreamIsNeverEjectedAndAlwaysPicked() {
        UpstreamSet s = set(1, false, THREE_FAILURES);
        UpstreamSet.Member only = s.members().get(0);
        for (int i = 0; i < 10; i++) {
            s.failed(only, Failure.CONNECT);
        }
        assertThat(s.ejected(only)).isFalse();
        assertThat(s.pick(only)).as("a retry with nowhere else to go goes to the same one").isSameAs(only);
    }

    @Test
    void whenEveryUpstreamIsOutTheyAreAllUsedAllTheSame() {
        UpstreamSet s = set(2, false, THREE_FAILURES);
        s.members().forEach(m -> m.health().checked(false, 1, 1));

        assertThat(spread(s, 4)).containsOnlyKeys("http://10.0.0.0:80", "http://10.0.0.1:80");
    }

    @Test
    void zeroConsecutiveFailuresTurnsEjectionOff() {
        UpstreamSet s = set(2, false, new OutlierConfig(0, Duration.ofSeconds(1), Duration.ofSeconds(1), 50));
        for (int i = 0; i < 100; i++) {
            s.failed(s.members().get(0), Failure.STATUS_5XX);
        }
        assertThat(s.inRotation(s.members().get(0))).isTrue();
    }

    @Test
    void healthChecksTakeOutAfterUnhealthyFailuresAndBringBackAfterHealthyPasses() {
        UpstreamSet s = set(2, false, THREE_FAILURES);
        UpstreamHealth h = s.members().get(1).health();

        assertThat(h.checked(false, 2, 3)).isFalse();
        assertThat(h.checked(false, 2, 3)).isFalse();
        assertThat(h.checked(true, 2, 3)).as("a pass breaks the run").isFalse();
        h.checked(false, 2, 3);
        h.checked(false, 2, 3);
        assertThat(h.checked(false, 2, 3)).isTrue();
        assertThat(s.inRotation(s.members().get(1))).isFalse();

        assertThat(h.checked(true, 2, 3)).isFalse();
        assertThat(h.checked(true, 2, 3)).isTrue();
        assertThat(s.inRotation(s.members().get(1))).isTrue();

        h.checked(false, 1, 1);
        h.checksOff();
        assertThat(s.inRotation(s.members().get(1))).as("checks turned off by a reload").isTrue();
    }

    @Test
    void anEjectedUpstreamWithFailingChecksStaysOutAfterItsBackOff() {
        UpstreamSet s = set(2, false, THREE_FAILURES);
        UpstreamSet.Member bad = s.members().get(1);
        eject(s, bad);
        bad.health().checked(false, 1, 1);
        advance(10);
        assertThat(s.ejected(bad)).isFalse();
        assertThat(s.inRotation(bad)).isFalse();
        bad.health().checked(true, 1, 1);
        assertThat(s.inRotation(bad)).isTrue();
    }

    @Test
    void aRetryAvoidsTheUpstreamThatFailed() {
        UpstreamSet s = set(3, false, THREE_FAILURES);
        UpstreamSet.Member first = s.members().get(0);
        for (int i = 0; i < 20; i++) {
            assertThat(s.pick(first)).isNotSameAs(first);
        }
        s.members().get(1).health().checked(false, 1, 1);
        s.members().get(2).health().checked(false, 1, 1);
        assertThat(s.pick(first)).as("even when only the failed one is in the rotation")
                .isNotSameAs(first);
    }

    @Test
    void leastRequestPrefersTheUpstreamWithFewerRequestsInFlight() {
        UpstreamSet s = set(2, true, THREE_FAILURES);
        UpstreamSet.Member busy = s.members().get(0);
        s.started(busy);
        s.started(busy);

        assertThat(spread(s, 50)).containsOnlyKeys("http://10.0.0.1:80");

        s.finished(busy);
        s.finished(busy);
        assertThat(busy.health().inFlight()).isZero();
    }

    @Test
    void leastRequestSkipsAnEjectedUpstreamEvenWhenIdle() {
        UpstreamSet s = set(3, true, THREE_FAILURES);
        UpstreamSet.Member idle = s.members().get(0);
        eject(s, idle);
        s.members().forEach(m -> {
            if (m != idle) {
                s.started(m);
            }
        });
        assertThat(spread(s, 50)).doesNotContainKey("http://10.0.0.0:80");
    }

    private static void eject(UpstreamSet s, UpstreamSet.Member m) {
        for (int i = 0; i < 3; i++) {
            s.failed(m, Failure.CONNECT);
        }
    }
}
