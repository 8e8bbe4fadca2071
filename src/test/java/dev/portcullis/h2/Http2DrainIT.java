package dev.portcullis.h2;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.it.Harness;
import dev.portcullis.it.RecordingUpstream;
import dev.portcullis.it.RecordingUpstream.Behaviour;
import io.netty.handler.codec.http2.Http2Error;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Going away gracefully over HTTP/2: on drain and on a reload that changes {@code server.http2_limits},
 * an open connection gets GOAWAY NO_ERROR whose last-stream-id covers the stream in flight, that
 * stream finishes with its 200, and a stream opened after the GOAWAY is not served.
 */
class Http2DrainIT {
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private static String config(String server, String slowUpstream) {
        return """
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: %s
                upstream_defaults: { connect_timeout: 1s, response_timeout: 60s }
                shutdown: { drain_delay: 2s, timeout: 20s }
                routes:
                  - { id: fast, match: { path: /fast/** }, upstream: %%UPSTREAM%%, public: true }
                  - { id: slow, match: { path: /slow/** }, upstream: %s, public: true }
                """.formatted(server, slowUpstream);
    }

    /** Opens a slow stream 1 on {@code c} and waits until it reached its upstream. */
    private static void slowStreamInFlight(RawH2 c, int port, RecordingUpstream slow) throws Exception {
        c.headers(1, RawH2.request("GET", "/slow/1", port), true);
        assertThat(slow.take()).as("the slow stream reached its upstream").isNotNull();
    }

    /** The GOAWAY covers stream 1, which then finishes with 200; stream 3, opened after it, is not served. */
    private static void assertGoneAwayGracefully(RawH2 c, int port, Harness h) throws Exception {
        RawH2.Event goAway = c.seen().stream().filter(e -> e.type().equals("goaway")).findFirst().orElse(null);
        if (goAway == null) {
            goAway = c.goAway(WAIT);
        }
        assertThat(goAway).as("GOAWAY").isNotNull();
        assertThat(goAway.code()).isEqualTo(Http2Error.NO_ERROR.code());
        assertThat(goAway.streamId()).as("last-stream-id: the stream in flight, nothing later").isEqualTo(1);
        c.headers(3, RawH2.request("GET", "/fast/late", port), true);
        RawH2.Answer inFlight = c.answer(1, WAIT);
        assertThat(inFlight.status()).isEqualTo("200");
        assertThat(inFlight.body()).contains("slow");
        assertThat(inFlight.ended()).isTrue();
        RawH2.Answer late = c.answer(3, Duration.ofSeconds(2));
        assertThat(late.status()).as("a stream after the GOAWAY is not served: %s", late).isNull();
        assertThat(h.upstream.poll()).as("nothing of stream 3 reached an upstream").isNull();
    }

    @Test
    void drainSendsGoAwayAndTheStreamInFlightFinishes() throws Exception {
        try (Harness h = new Harness(); RecordingUpstream slow = new RecordingUpstream()) {
            slow.behave(new Behaviour(200, "{\"slow\":\"done\"}", 3000, false));
            h.start(config("{ http2: true }", slow.url()));
            int port = h.port();
            try (RawH2 c = new RawH2(port)) {
                slowStreamInFlight(c, port, slow);
                CompletableFuture<Void> stopped = CompletableFuture.runAsync(h.proxy()::shutdown);
                RawH2.Event goAway = c.goAway(WAIT);
                assertThat(goAway).isNotNull();
                assertThat(h.metricsOnce("portcullis_http2_goaway_total{reason=\"drain\"} 1.0"))
                        .contains("portcullis_http2_goaway_total{reason=\"drain\"} 1.0");
                assertGoneAwayGracefully(c, port, h);
                stopped.get(30, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void reloadChangingHttp2LimitsSendsGoAwayAndTheStreamInFlightFinishes() throws Exception {
        try (Harness h = new Harness(); RecordingUpstream slow = new RecordingUpstream()) {
            slow.behave(new Behaviour(200, "{\"slow\":\"done\"}", 3000, false));
            String before = config("{ http2: true, http2_limits: { max_concurrent_streams: 100 } }", slow.url());
            Path file = dir.resolve("portcullis.yaml");
            h.startWatching(file, before);
            int port = h.port();
            try (RawH2 c = new RawH2(port)) {
                slowStreamInFlight(c, port, slow);
                java.nio.file.Files.writeString(file, h.fill(before.replace("max_concurrent_streams: 100",
                        "max_concurrent_streams: 50")));
                assertThat(c.goAway(WAIT)).as("GOAWAY after the reload").isNotNull();
                assertThat(h.metricsOnce("portcullis_http2_goaway_total{reason=\"reload\"} 1.0"))
                        .contains("portcullis_http2_goaway_total{reason=\"reload\"} 1.0");
                assertGoneAwayGracefully(c, port, h);
            }
            try (RawH2 fresh = new RawH2(port)) {
                fresh.headers(1, RawH2.request("GET", "/fast/new", port), true);
                assertThat(fresh.answer(1, WAIT).status()).as("a new connection is served").isEqualTo("200");
            }
        }
    }
}
