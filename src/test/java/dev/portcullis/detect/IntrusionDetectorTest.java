package dev.portcullis.detect;

import dev.portcullis.vocab.Blocked;
import static dev.portcullis.detect.Configs.detection;
import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.vocab.Reason;
import dev.portcullis.detect.IntrusionEvent.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Thresholds, windows, holds and blocks, on a fake clock (times are passed in). */
class IntrusionDetectorTest {
    private static final Duration WINDOW = Duration.ofSeconds(10);
    private static final long T0 = 1_700_000_000_000L;
    private static final String CLIENT = "203.0.113.9";

    private final IntrusionDetector five = new IntrusionDetector(detection(WINDOW, 5, 0, false));

    private static IntrusionEvent deny(IntrusionDetector d, String client, Reason reason, long at) {
        return d.onDenial(client, null, null, reason, "/p", at);
    }

    @Test
    void raisesWhenTheThresholdIsReachedWithinTheWindow() {
        for (int i = 0; i < 4; i++) {
            assertThat(deny(five, CLIENT, Reason.TOKEN_MISSING, T0 + i * 1000)).isNull();
        }
        IntrusionEvent e = five.onDenial(CLIENT, null, null, Reason.NO_ROUTE, "/admin", T0 + 4000);

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.THRESHOLD_CLIENT);
        assertThat(e.source()).isEqualTo(CLIENT);
        assertThat(e.count()).isEqualTo(5);
        assertThat(e.window()).isEqualTo(WINDOW);
        assertThat(e.blocked()).isFalse();
        assertThat(e.samples()).hasSize(5);
        assertThat(e.firstReason()).isEqualTo(Reason.TOKEN_MISSING);
        assertThat(e.lastReason()).isEqualTo(Reason.NO_ROUTE);
        assertThat(e.samples().get(4).path()).isEqualTo("/admin");
        assertThat(e.reasonCounts()).containsExactly(
                org.assertj.core.api.Assertions.entry("token_missing", 4),
                org.assertj.core.api.Assertions.entry("no_route", 1));
    }

    @Test
    void denialsSpreadOverMoreThanTheWindowNeverRaise() {
        // 2.6 s apart: never more than four within any 10 s, however long it goes on.
        for (int i = 0; i < 200; i++) {
            assertThat(deny(five, CLIENT, Reason.GROUP_DENIED, T0 + i * 2600L)).as("denial %d", i).isNull();
        }
    }

    @Test
    void denialsOlderThanTheWindowAreNotCounted() {
        for (int i = 0; i < 4; i++) {
            deny(five, CLIENT, Reason.TOKEN_EXPIRED, T0);
        }
        assertThat(deny(five, CLIENT, Reason.TOKEN_EXPIRED, T0 + WINDOW.toMillis() + 1)).isNull();
    }

    @Test
    void oneEventPerCrossingNotPerRequest() {
        List<IntrusionEvent> events = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            IntrusionEvent e = deny(five, CLIENT, Reason.TOKEN_MISSING, T0 + i);
            if (e != null) {
                events.add(e);
            }
        }
        assertThat(events).hasSize(1);
        assertThat(events.get(0).count()).isEqualTo(5);

        // Once the hold (one window) is over, a source still at it raises again.
        long later = T0 + WINDOW.toMillis() + 1000;
        IntrusionEvent again = null;
        for (int i = 0; i < 5 && again == null; i++) {
            again = deny(five, CLIENT, Reason.TOKEN_MISSING, later + i);
        }
        assertThat(again).isNotNull();
    }

    @Test
    void evidenceIsTheLastTenDenials() {
        IntrusionDetector d = new IntrusionDetector(detection(WINDOW, 50, 0, false));
        IntrusionEvent e = null;
        for (int i = 0; i < 50; i++) {
            e = d.onDenial(CLIENT, null, null, Reason.NO_ROUTE, "/probe/" + i, T0 + i);
        }
        assertThat(e.count()).isEqualTo(50);
        assertThat(e.samples()).extracting(IntrusionEvent.Sample::path)
                .containsExactly("/probe/40", "/probe/41", "/probe/42", "/probe/43", "/probe/44", "/probe/45",
                        "/probe/46", "/probe/47", "/probe/48", "/probe/49");
    }

    @Test
    void otherClientsAreUnaffected() {
        for (int i = 0; i < 5; i++) {
            deny(five, CLIENT, Reason.TOKEN_MISSING, T0);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(deny(five, "198.51.100.7", Reason.TOKEN_MISSING, T0)).isNull();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Reason.class, names = {"ALLOWED", "PUBLIC_ROUTE", "UPSTREAM_ERROR", "KEYS_UNAVAILABLE",
        "HEADERS_TOO_LARGE", "BODY_TOO_LARGE", "CLIENT_CLOSED"})
    void answersThatAreNotDenialsNeverCount(Reason reason) {
        for (int i = 0; i < 100; i++) {
            assertThat(deny(five, CLIENT, reason, T0)).isNull();
        }
        assertThat(five.trackedKeys()).isZero();
    }

    @Test
    void subjectsAreCountedAcrossClientsAndPerIssuer() {
        IntrusionDetector d = new IntrusionDetector(detection(WINDOW, 1000, 3, false));
        assertThat(d.onDenial("10.0.0.1", "okta", "alice", Reason.GROUP_DENIED, "/a", T0)).isNull();
        assertThat(d.onDenial("10.0.0.2", "okta", "alice", Reason.DENY_RULE, "/b", T0 + 1)).isNull();
        assertThat(d.onDenial("10.0.0.3", "other", "alice", Reason.DENY_RULE, "/c", T0 + 2)).isNull();
        IntrusionEvent e = d.onDenial("10.0.0.4", "okta", "alice", Reason.GROUP_DENIED, "/d", T0 + 3);

        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.THRESHOLD_SUBJECT);
        assertThat(e.source()).isEqualTo(IntrusionDetector.subjectKey("okta", "alice"));
        assertThat(e.count()).isEqualTo(3);
    }

    @Test
    void anUnverifiedSubjectIsNeverCounted() {
        IntrusionDetector d = new IntrusionDetector(detection(WINDOW, 1000, 1, false));
        assertThat(d.onDenial(CLIENT, null, "alice", Reason.SIGNATURE_INVALID, "/", T0)).isNotNull()
                .extracting(IntrusionEvent::kind).isEqualTo(Kind.INSTANT);
        assertThat(d.onDenial(CLIENT, null, "alice", Reason.TOKEN_EXPIRED, "/", T0)).isNull();
    }

    @Test
    void instantReasonsRaiseAtOnceAndOnlyOncePerHold() {
        IntrusionEvent e = deny(five, CLIENT, Reason.SIGNATURE_INVALID, T0);
        assertThat(e).isNotNull();
        assertThat(e.kind()).isEqualTo(Kind.INSTANT);
        assertThat(e.count()).isEqualTo(1);
        assertThat(e.lastReason()).isEqualTo(Reason.SIGNATURE_INVALID);
        assertThat(deny(five, CLIENT, Reason.ALGORITHM_REJECTED, T0 + 1)).isNull();
        assertThat(deny(five, "198.51.100.7", Reason.ALGORITHM_REJECTED, T0 + 1)).isNotNull();
    }

    @Test
    void instantReasonsAreConfigurable() {
        IntrusionDetector d = new IntrusionDetector(Configs.withInstant(detection(WINDOW, 5, 0, false),
                List.of("path_rejected")));
        assertThat(deny(d, CLIENT, Reason.SIGNATURE_INVALID, T0)).isNull();
        assertThat(deny(d, CLIENT, Reason.PATH_REJECTED, T0)).extracting(IntrusionEvent::kind)
                .isEqualTo(Kind.INSTANT);
    }

    @Test
    void aThresholdOfZeroKeepsNoStateButInstantReasonsStillRaise() {
        IntrusionDetector d = new IntrusionDetector(detection(WINDOW, 0, 0, false));
        for (int i = 0; i < 1000; i++) {
            assertThat(d.onDenial("10.0.0." + (i & 255), "okta", "u" + i, Reason.GROUP_DENIED, "/", T0)).isNull();
        }
        assertThat(d.trackedKeys()).isZero();
        assertThat(deny(d, CLIENT, Reason.SIGNATURE_INVALID, T0)).isNotNull();
    }

    @Test
    void disabledDetectionSeesNothing() {
        IntrusionDetector d = new IntrusionDetector(Configs.disabled(detection(WINDOW, 1, 1, true)));
        assertThat(deny(d, CLIENT, Reason.SIGNATURE_INVALID, T0)).isNull();
        assertThat(d.isBlocked(CLIENT, null, null, T0)).isNull();
    }

    @Test
    void withoutBlockingNothingIsRefused() {
        for (int i = 0; i < 5; i++) {
            deny(five, CLIENT, Reason.TOKEN_MISSING, T0);
        }
        assertThat(five.isBlocked(CLIENT, null, null, T0)).isNull();
        assertThat(five.blockedSources(T0)).isZero();
    }

    @Test
    void blockingRefusesTheSourceUntilTheCooldownEnds() {
        IntrusionDetector d = new IntrusionDetector(detection(WINDOW, 5, 0, true));
        IntrusionEvent e = null;
        for (int i = 0; i < 5; i++) {
            e = deny(d, CLIENT, Reason.TOKEN_MISSING, T0);
        }
        long until = T0 + Duration.ofMinutes(10).toMillis();
        assertThat(e.blocked()).isTrue();
        assertThat(e.blockedUntilMillis()).isEqualTo(until);

        Blocked b = d.isBlocked(CLIENT, null, null, T0 + 1);
        assertThat(b).isEqualTo(new Blocked("client", CLIENT, until, 429));
        assertThat(b.retryAfterSeconds(T0 + 1)).isEqualTo(600);
        assertThat(d.isBlocked("198.51.100.7", null, null, T0 + 1)).isNull();
        assertThat(d.blockedSources(T0 + 1)).isEqualTo(1);

        // Denials during the block neither raise nor extend it.
        for (int i = 0; i < 50; i++) {
            assertThat(deny(d, CLIENT, Reason.TOKEN_MISSING, until - 1)).isNull();
        }
        assertThat(d.isBlocked(CLIENT, null, null, until - 1)).isNotNull();
        assertThat(d.isBlocked(CLIENT, null, null, until)).isNull();
        assertThat(d.blockedSources(until)).isZero();

        // After it, the source starts from zero: one denial is not enough to be blocked again.
        for (int i = 0; i < 4; i++) {
            assertThat(deny(d, CLIENT, Reason.TOKEN_MISSING, until + i)).isNull();
        }
        assertThat(deny(d, CLIENT, Reason.TOKEN_MISSING, until + 5).blocked()).isTrue();
    }

    @Test
    void aBlockedSubjectIsRefusedFromAnyClient() {
        IntrusionDetector d = new IntrusionDetector(detection(WINDOW, 1000, 2, true));
        d.onDenial("10.0.0.1", "okta", "mallory", Reason.GROUP_DENIED, "/", T0);
        IntrusionEvent e = d.onDenial("10.0.0.2", "okta", "mallory", Reason.GROUP_DENIED, "/", T0);

        assertThat(e.blocked()).isTrue();
        assertThat(d.isBlocked("10.0.0.9", "okta", "mallory", T0 + 1))
                .extracting(Blocked::kind).isEqualTo("subject");
        assertThat(d.isBlocked("10.0.0.9", null, null, T0 + 1)).isNull();
        assertThat(d.isBlocked("10.0.0.9", "other", "mallory", T0 + 1)).isNull();
        assertThat(d.isBlocked("10.0.0.9", "okta", "alice", T0 + 1)).isNull();
    }

    @Test
    void memoryIsBoundedByMaxTrackedSources() {
        IntrusionDetector d = new IntrusionDetector(Configs.withMaxTracked(detection(WINDOW, 5, 5, false), 100));
        for (int i = 0; i < 5_000; i++) {
            d.onDenial("10." + (i >> 16) + "." + ((i >> 8) & 255) + "." + (i & 255), "okta", "user" + i,
                    Reason.TOKEN_MISSING, "/", T0);
        }
        assertThat(d.trackedKeys()).isLessThanOrEqualTo(200);
    }

    @Test
    void concurrentDenialsAreCountedExactlyAndRaiseOneEvent() throws Exception {
        int threads = 8;
        int perThread = 20_000;
        IntrusionDetector d = new IntrusionDetector(detection(Duration.ofSeconds(60), threads * perThread, 0, true));
        ConcurrentLinkedQueue<IntrusionEvent> events = new ConcurrentLinkedQueue<>();
        CyclicBarrier start = new CyclicBarrier(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        IntrusionEvent e = d.onDenial(CLIENT, null, null, Reason.TOKEN_MISSING, "/", T0 + i / 1000);
                        if (e != null) {
                            events.add(e);
                        }
                        d.onDenial("10.1." + id + "." + (i & 63), null, null, Reason.NO_ROUTE, "/", T0);
                        d.isBlocked(CLIENT, null, null, T0);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(events).hasSize(1);
        assertThat(events.peek().count()).isEqualTo(threads * perThread);
        assertThat(d.isBlocked(CLIENT, null, null, T0 + 30_000)).isNotNull();
    }
}
