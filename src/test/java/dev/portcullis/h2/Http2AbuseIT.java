package dev.portcullis.h2;

import static dev.portcullis.h2.AbuseChecks.WAIT;
import static dev.portcullis.h2.AbuseChecks.assertAbused;
import static dev.portcullis.h2.AbuseChecks.assertCountedAndAudited;
import static dev.portcullis.h2.AbuseChecks.assertOthersServed;
import static dev.portcullis.h2.AbuseChecks.awaitEnds;
import static dev.portcullis.h2.AbuseChecks.flood;
import static dev.portcullis.h2.AbuseChecks.goaways;
import static dev.portcullis.h2.AbuseChecks.pings;
import static dev.portcullis.h2.AbuseChecks.received;
import static dev.portcullis.h2.AbuseChecks.receivedFor;
import static dev.portcullis.h2.AbuseChecks.requests;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.it.AuditCapture;
import dev.portcullis.it.Harness;
import dev.portcullis.it.RecordingUpstream;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each HTTP/2 abuse of issue 16 against the real proxy over real sockets ({@link RawH2}), with
 * small {@code http2_limits} so each runs fast. Each shows (1) the abusing connection gets GOAWAY
 * with the expected code and is closed, having sent no more than its bound and some slack; (2) the
 * metric {@code portcullis_http2_goaway_total{reason}} moved and an {@code http2_abuse} audit line
 * was written; (3) the proxy still serves others: an h2 connection opened before the abuse and an
 * HTTP/1.1 request after it both get their 200. The HPACK bomb is refused on its stream (431,
 * audited {@code headers_too_large}); the stream-count and stream-id bounds end with a graceful
 * GOAWAY or RST_STREAM REFUSED_STREAM, each as its test says.
 */
class Http2AbuseIT {
    private static final long ENHANCE_YOUR_CALM = 11;
    private static final long PROTOCOL_ERROR = 1;
    private static final long REFUSED_STREAM = 7;
    private static final byte HEADERS = 0x1;
    private static final byte CONTINUATION = 0x9;
    private static final int END_STREAM = 0x1;
    private static final int END_HEADERS = 0x4;
    private static final int RESETS = 20;
    private static final int CONTROL = 50;
    private static final int EMPTY = 2;
    private static final int CONTINUATIONS = 8;
    private static final int HEADER_LIST = 4096;

    private static Harness abuse;
    private static Harness queue;
    private static Harness streams;

    @BeforeAll
    static void start() throws Exception {
        abuse = new Harness().start(withLimits("""
                abuse_window: 60s, max_resets_per_window: %d, max_control_frames_per_window: %d,
                max_empty_frames: %d, max_small_continuation_frames: %d, max_header_list_size: %d"""
                .formatted(RESETS, CONTROL, EMPTY, CONTINUATIONS, HEADER_LIST)));
        // a client that never reads: the control-frame rate must not trip first, only the queue
        queue = new Harness().start(withLimits("max_control_frames_per_window: 1000000, max_queued_control_frames: 16"));
        streams = new Harness().start(withLimits("max_concurrent_streams: 3, max_streams_per_connection: 5"));
    }

    private static String withLimits(String limits) {
        return Harness.defaultConfig().replace("server: { key_wait_timeout: 2s }",
                "server: { key_wait_timeout: 2s, http2: true, http2_limits: { " + limits.replace("\n", " ") + " } }");
    }

    @AfterAll
    static void stop() throws IOException {
        for (Harness h : new Harness[] {abuse, queue, streams}) {
            if (h != null) {
                h.close();
            }
        }
    }

    @Test
    void rapidResetIsClosedWithEnhanceYourCalm() throws Exception {
        try (AuditCapture audit = new AuditCapture(); RawH2 bystander = new RawH2(abuse.port());
                RawH2 c = new RawH2(abuse.port())) {
            double before = goaways(abuse, "rapid_reset");
            int sent = flood(c, RESETS * 2 + 20, i -> {
                int id = 2 * i + 1;
                c.headers(id, RawH2.request("GET", "/public/rapid", abuse.port()), true);
                c.rst(id, 8); // CANCEL
            });
            assertAbused(c, ENHANCE_YOUR_CALM, sent);
            assertCountedAndAudited(abuse, "rapid_reset", before, audit);
            assertOthersServed(abuse, bystander);
        }
    }

    @Test
    void continuationFloodIsClosed() throws Exception {
        try (AuditCapture audit = new AuditCapture(); RawH2 bystander = new RawH2(abuse.port());
                RawH2 c = new RawH2(abuse.port())) {
            double before = goaways(abuse, "continuation_flood");
            c.frame(HEADERS, 1, 0, c.hpack(1, RawH2.request("GET", "/public/cont", abuse.port())));
            int sent = flood(c, CONTINUATIONS * 2 + 20, i -> c.frame(CONTINUATION, 1, 0, new byte[0]));
            assertAbused(c, ENHANCE_YOUR_CALM, sent);
            assertCountedAndAudited(abuse, "continuation_flood", before, audit);
            assertOthersServed(abuse, bystander);
        }
    }

    @Test
    void continuationRunPastTheHeaderListBoundIsClosed() throws Exception {
        try (AuditCapture audit = new AuditCapture(); RawH2 bystander = new RawH2(abuse.port());
                RawH2 c = new RawH2(abuse.port())) {
            double before = goaways(abuse, "header_list_too_large");
            // one header of 4 × the bound, never indexed, split in fragments too large to count as "small"
            byte[] block = c.hpack(1, RawH2.request("GET", "/public/grow", abuse.port(), "x-grow", "g".repeat(HEADER_LIST * 4)));
            int fragment = 2048;
            c.frame(HEADERS, 1, 0, Arrays.copyOfRange(block, 0, fragment));
            for (int at = fragment; at < block.length && !c.closed(); at += fragment) {
                boolean last = at + fragment >= block.length;
                c.frame(CONTINUATION, 1, last ? END_HEADERS : 0, Arrays.copyOfRange(block, at, Math.min(block.length, at + fragment)));
            }
            RawH2.Event goAway = c.goAway(WAIT);
            assertNotNull(goAway, "no GOAWAY; seen " + c.seen());
            assertEquals(PROTOCOL_ERROR, goAway.code(), "GOAWAY code");
            assertTrue(c.closedWithin(WAIT), "connection still open");
            assertCountedAndAudited(abuse, "header_list_too_large", before, audit);
            assertEquals(0, received(abuse, "x-grow"), "the upstream got the oversized head");
            assertOthersServed(abuse, bystander);
        }
    }

    @Test
    void settingsFloodIsClosed() throws Exception {
        controlFlood(c -> c.settings(new Http2Settings()));
    }

    @Test
    void pingFloodIsClosed() throws Exception {
        controlFlood(c -> c.ping(42));
    }

    @Test
    void priorityFloodIsClosed() throws Exception {
        controlFlood(c -> c.priority(3, 0));
    }

    /** A client that reads every ack as it provokes them: only the rate bound stops it. */
    private void controlFlood(java.util.function.Consumer<RawH2> frame) throws Exception {
        try (AuditCapture audit = new AuditCapture(); RawH2 bystander = new RawH2(abuse.port());
                RawH2 c = new RawH2(abuse.port())) {
            double before = goaways(abuse, "control_flood");
            int sent = flood(c, CONTROL * 2 + 20, i -> frame.accept(c));
            RawH2.Event goAway = assertAbused(c, ENHANCE_YOUR_CALM, sent);
            assertTrue(goAway.text().contains("control frame flood"), "debug text " + goAway.text());
            assertCountedAndAudited(abuse, "control_flood", before, audit);
            assertOthersServed(abuse, bystander);
        }
    }

    @Test
    void emptyDataFramesFloodIsClosed() throws Exception {
        try (AuditCapture audit = new AuditCapture(); RawH2 bystander = new RawH2(abuse.port());
                RawH2 c = new RawH2(abuse.port())) {
            double before = goaways(abuse, "empty_frames");
            c.headers(1, RawH2.request("POST", "/public/empty", abuse.port()), false);
            int sent = flood(c, EMPTY * 2 + 20, i -> c.data(1, new byte[0], false));
            assertAbused(c, ENHANCE_YOUR_CALM, sent);
            assertCountedAndAudited(abuse, "empty_frames", before, audit);
            assertOthersServed(abuse, bystander);
        }
    }

    /**
     * A client that sends PINGs and never reads: the acks queue in the proxy up to
     * {@code max_queued_control_frames}, then the connection is failed. The acks first fill the
     * kernel's socket buffers (megabytes on loopback), so the flood is many PINGs, sent in batches.
     * Those buffers dwarf the bound: this shows the cut, its metric and audit line and that others
     * are served, but it passes with a bound of a million too (checked by hand); the bound itself is
     * Netty's encoderEnforceMaxQueuedControlFrames, which H2Codec sets from the config.
     */
    @Test
    void clientThatNeverReadsItsAcksIsCut() throws Exception {
        try (AuditCapture audit = new AuditCapture(); RawH2 bystander = new RawH2(queue.port());
                RawH2 c = new RawH2(queue.port())) {
            c.autoAck = false;
            double before = goaways(queue, "control_queue");
            byte[] batch = pings(1000);
            long deadline = System.nanoTime() + WAIT.toNanos() * 3;
            int batches = 0;
            while (goaways(queue, "control_queue") == before && !c.closed() && System.nanoTime() < deadline) {
                c.raw(batch);
                batches++;
            }
            assertTrue(goaways(queue, "control_queue") > before || c.closed(), "not cut after " + batches + " batches");
            // Only now does the client read: through the queued acks to the end of the connection. The
            // GOAWAY itself may not arrive: the proxy closes with this client's PINGs unread in its
            // receive buffer, so the kernel resets the connection and drops what was queued behind the
            // acks. A client that never reads at all is cut by Netty once the GOAWAY is written or 30 s
            // (the codec's graceful-shutdown timeout) have passed.
            assertTrue(c.closedWithin(WAIT.multipliedBy(3)), "connection still open after " + batches + " batches");
            c.seen().stream().filter(e -> e.type().equals("goaway"))
                    .forEach(g -> assertEquals(ENHANCE_YOUR_CALM, g.code(), "GOAWAY code"));
            assertCountedAndAudited(queue, "control_queue", before, audit);
            assertOthersServed(queue, bystander);
        }
    }

    /**
     * An HPACK bomb: a value of 3 KB inserted in the dynamic table once and then referenced by
     * index (one byte each) a thousand times: a 4 KB block that decodes to 3 MB. Netty's encoder
     * makes exactly that block, since it indexes a repeated header. Netty's decoder counts the
     * decoded size without keeping what is past {@code max_header_list_size}, and refuses the stream
     * (431, then RST_STREAM) before any request exists; the proxy audits it as
     * {@code headers_too_large}, counts it in {@code portcullis_requests_total}, and passes nothing on.
     */
    @Test
    void hpackBombIsRefused() throws Exception {
        try (AuditCapture audit = new AuditCapture(); RawH2 bystander = new RawH2(abuse.port());
                RawH2 c = new RawH2(abuse.port())) {
            double before = requests(abuse, "headers_too_large");
            Http2Headers bomb = RawH2.request("GET", "/public/bomb", abuse.port());
            String value = "b".repeat(3000);
            for (int i = 0; i < 1000; i++) {
                bomb.add("x-bomb", value);
            }
            byte[] block = c.hpack(1, bomb);
            assertTrue(block.length < 5000, "the block is small: " + block.length);
            c.frame(HEADERS, 1, END_HEADERS | END_STREAM, block);
            c.readUntil(e -> e.type().equals("closed") || (e.streamId() == 1 && e.type().equals("rst")), WAIT);
            RawH2.Answer a = c.answer(1, Duration.ofMillis(1));
            assertEquals("431", a.status(), "the bomb: " + c.seen());
            assertTrue(a.resetCode() != 0, "the stream is reset: " + c.seen());
            var line = audit.await(l -> "headers_too_large".equals(l.path("reason").asText()));
            assertEquals(431, line.path("status").asInt(), "audited status");
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (requests(abuse, "headers_too_large") <= before && System.nanoTime() < deadline) {
                Thread.sleep(25);
            }
            assertTrue(requests(abuse, "headers_too_large") > before, "portcullis_requests_total{reason=headers_too_large}");
            assertEquals(0, received(abuse, "x-bomb"), "the upstream got the bomb");
            assertOthersServed(abuse, bystander);
        }
    }

    /**
     * Stream-id exhaustion, (a): after {@code max_streams_per_connection} (5) streams a graceful
     * GOAWAY NO_ERROR names the last stream taken; the streams in flight are answered, later ones
     * are not taken, and the connection closes.
     */
    @Test
    void maxStreamsPerConnectionGoesAwayGracefully() throws Exception {
        streams.upstream.behave(new RecordingUpstream.Behaviour(200, "slow", 500, false));
        try (RawH2 c = new RawH2(streams.port())) {
            double before = goaways(streams, "max_streams");
            for (int id = 1; id <= 3; id += 2) {
                c.headers(id, RawH2.request("GET", "/public/s" + id, streams.port()), true);
                assertEquals("200", c.answer(id, WAIT).status(), "stream " + id);
            }
            for (int id = 5; id <= 9; id += 2) { // three in flight; 9 is the fifth
                c.headers(id, RawH2.request("GET", "/public/s" + id, streams.port()), true);
            }
            RawH2.Event goAway = c.goAway(WAIT);
            assertNotNull(goAway, "no GOAWAY; seen " + c.seen());
            assertEquals(0, goAway.code(), "GOAWAY NO_ERROR");
            assertEquals(9, goAway.streamId(), "last stream id");
            c.headers(11, RawH2.request("GET", "/public/s11", streams.port()), true);
            awaitEnds(c, 5, 7, 9);
            for (int id = 5; id <= 9; id += 2) {
                assertEquals("200", c.answer(id, Duration.ofMillis(1)).status(), "in-flight stream " + id + ": " + c.seen());
            }
            assertTrue(c.closedWithin(WAIT), "connection still open");
            assertTrue(c.seen().stream().noneMatch(e -> e.streamId() == 11 && e.type().equals("headers")), "stream 11 answered");
            assertTrue(goaways(streams, "max_streams") > before, "metric max_streams");
            assertTrue(receivedFor(streams, "/public/s11") == 0, "the upstream got stream 11");
        } finally {
            streams.upstream.behave(RecordingUpstream.Behaviour.ok());
        }
    }

    /**
     * Stream-id exhaustion, (b): a client that jumps to the last stream id (2^31-1) is served, and
     * since that connection can carry no more streams it gets the graceful GOAWAY NO_ERROR and is
     * closed (Netty alone would keep it open, answering each later stream RST_STREAM STREAM_CLOSED).
     */
    @Test
    void lastStreamIdIsServedThenTheConnectionGoesAway() throws Exception {
        try (RawH2 bystander = new RawH2(streams.port()); RawH2 c = new RawH2(streams.port())) {
            double before = goaways(streams, "max_streams");
            int last = Integer.MAX_VALUE;
            c.headers(last, RawH2.request("GET", "/public/last", streams.port()), true);
            c.readUntil(e -> e.type().equals("closed")
                    || (e.streamId() == last && e.endStream() && !e.type().equals("goaway")), WAIT);
            assertEquals("200", c.answer(last, Duration.ofMillis(1)).status(), "the last stream id: " + c.seen());
            RawH2.Event goAway = c.seen().stream().filter(e -> e.type().equals("goaway")).findFirst().orElse(null);
            assertNotNull(goAway, "no GOAWAY; seen " + c.seen());
            assertEquals(0, goAway.code(), "GOAWAY NO_ERROR");
            assertEquals(last, goAway.streamId(), "last stream id");
            c.headers(1, RawH2.request("GET", "/public/after-last", streams.port()), true);
            assertTrue(c.closedWithin(WAIT), "connection still open");
            assertTrue(goaways(streams, "max_streams") > before, "metric max_streams");
            assertEquals(0, receivedFor(streams, "/public/after-last"), "the upstream got a stream after the last id");
            assertOthersServed(streams, bystander);
        }
    }

    /** {@code max_concurrent_streams} (3): a fourth open stream is refused with RST_STREAM REFUSED_STREAM; the three are answered. */
    @Test
    void streamsOverTheConcurrencyBoundAreRefused() throws Exception {
        streams.upstream.behave(new RecordingUpstream.Behaviour(200, "slow", 600, false));
        try (RawH2 c = new RawH2(streams.port())) {
            for (int id = 1; id <= 7; id += 2) {
                c.headers(id, RawH2.request("GET", "/public/c" + id, streams.port()), true);
            }
            awaitEnds(c, 1, 3, 5, 7);
            assertEquals(REFUSED_STREAM, c.answer(7, Duration.ofMillis(1)).resetCode(), "stream 7: " + c.seen());
            for (int id = 1; id <= 5; id += 2) {
                assertEquals("200", c.answer(id, Duration.ofMillis(1)).status(), "stream " + id + ": " + c.seen());
            }
            assertEquals(0, receivedFor(streams, "/public/c7"), "the upstream got the refused stream");
        } finally {
            streams.upstream.behave(RecordingUpstream.Behaviour.ok());
        }
    }
}
