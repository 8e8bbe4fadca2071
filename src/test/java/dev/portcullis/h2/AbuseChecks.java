package dev.portcullis.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.portcullis.it.AuditCapture;
import dev.portcullis.it.Harness;
import dev.portcullis.it.RecordingUpstream;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What {@link Http2AbuseIT} asserts after each abuse, and how it floods. */
final class AbuseChecks {
    static final Duration WAIT = Duration.ofSeconds(10);

    private AbuseChecks() {
    }


    /**
     * Sends up to {@code max} units of abuse, stopping once the server's GOAWAY or close has been
     * seen (frames are read as they come, so acks are taken like a well-behaved client takes them);
     * the number sent.
     */
    static int flood(RawH2 c, int max, IntConsumer unit) throws IOException {
        for (int i = 0; i < max; i++) {
            if (c.closed() || c.readUntil(e -> e.type().equals("goaway") || e.type().equals("closed"),
                    Duration.ofMillis(1)) != null) {
                return i;
            }
            unit.accept(i);
        }
        return max;
    }

    /** Reads until each of {@code ids} has ended (its last frame, or a reset), or the connection has. */
    static void awaitEnds(RawH2 c, int... ids) throws IOException {
        c.readUntil(e -> e.type().equals("closed") || Arrays.stream(ids).allMatch(id -> c.seen().stream()
                .anyMatch(f -> f.streamId() == id && !f.type().equals("goaway") && (f.endStream() || f.type().equals("rst")))),
                WAIT);
    }

    /**
     * The flood ({@code sent} units, at most its bound and the slack {@link #flood} allows) got a
     * GOAWAY with {@code code}, and the connection was closed.
     */
    static RawH2.Event assertAbused(RawH2 c, long code, int sent) throws IOException {
        RawH2.Event goAway = c.goAway(WAIT);
        assertNotNull(goAway, "no GOAWAY within " + WAIT + " after " + sent + " frames; seen " + c.seen());
        assertEquals(code, goAway.code(), "GOAWAY code");
        assertTrue(c.closedWithin(WAIT), "connection still open");
        return goAway;
    }

    static void assertCountedAndAudited(Harness h, String reason, double before, AuditCapture audit)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (goaways(h, reason) <= before && System.nanoTime() < deadline) {
            Thread.sleep(25);
        }
        assertEquals(before + 1, goaways(h, reason), "portcullis_http2_goaway_total{reason=\"" + reason + "\"}");
        audit.await(l -> "http2_abuse".equals(l.path("reason").asText()));
    }

    /** An h2 connection opened before the abuse, and an HTTP/1.1 request after it, are both served. */
    static void assertOthersServed(Harness h, RawH2 bystander) throws Exception {
        bystander.headers(1, RawH2.request("GET", "/public/bystander", h.port()), true);
        RawH2.Answer a = bystander.answer(1, WAIT);
        assertEquals("200", a.status(), "the other h2 connection: " + bystander.seen());
        assertEquals(200, h.get("/public/http1", null).statusCode(), "HTTP/1.1");
    }

    static final Pattern SAMPLE = Pattern.compile(
            "^portcullis_http2_goaway_total\\{reason=\"([a-z_]+)\"} (\\S+)$", Pattern.MULTILINE);

    static double goaways(Harness h, String reason) throws Exception {
        Matcher m = SAMPLE.matcher(h.metrics());
        while (m.find()) {
            if (m.group(1).equals(reason)) {
                return Double.parseDouble(m.group(2));
            }
        }
        return 0;
    }

    static final Pattern REQUESTS = Pattern.compile("^portcullis_requests_total\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    /** The sum of {@code portcullis_requests_total} samples with {@code reason}. */
    static double requests(Harness h, String reason) throws Exception {
        Matcher m = REQUESTS.matcher(h.metrics());
        double sum = 0;
        while (m.find()) {
            if (("," + m.group(1) + ",").contains(",reason=\"" + reason + "\",")) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    /** Requests {@code h}'s upstream received (and not yet taken) carrying header {@code name}. */
    static int received(Harness h, String name) throws InterruptedException {
        int n = 0;
        for (RecordingUpstream.Received r; (r = h.upstream.poll()) != null; ) {
            n += r.all(name).isEmpty() ? 0 : 1;
        }
        return n;
    }

    /** Requests {@code h}'s upstream received (and not yet taken) for {@code path}. */
    static int receivedFor(Harness h, String path) throws InterruptedException {
        int n = 0;
        for (RecordingUpstream.Received r; (r = h.upstream.poll()) != null; ) {
            n += r.target().equals(path) ? 1 : 0;
        }
        return n;
    }

    /** {@code n} PING frames in one buffer, written by Netty's frame writer. */
    static byte[] pings(int n) {
        EmbeddedChannel ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        ChannelHandlerContext ctx = ch.pipeline().firstContext();
        DefaultHttp2FrameWriter w = new DefaultHttp2FrameWriter();
        for (int i = 0; i < n; i++) {
            w.writePing(ctx, false, i, ctx.newPromise());
        }
        ctx.flush();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            byte[] bytes = new byte[b.readableBytes()];
            b.readBytes(bytes);
            b.release();
            out.writeBytes(bytes);
        }
        ch.finishAndReleaseAll();
        return out.toByteArray();
    }
}
