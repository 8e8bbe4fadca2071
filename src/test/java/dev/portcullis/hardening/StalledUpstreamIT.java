package dev.portcullis.hardening;

import static dev.portcullis.hardening.StalledClientIT.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.hardening.ProxyUnderAttack.Answer;
import dev.portcullis.it.AuditCapture;
import dev.portcullis.it.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Upstreams that stop half-way: one that sends a head and part of its body, one that never reads
 * the request body. {@code response_timeout} (1 s here) bounds both: it is also the longest gap
 * between the upstream's body bytes, and the longest the upstream may refuse the request body.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StalledUpstreamIT {
    private ProxyUnderAttack p;
    private MuteUpstream midBody;
    private MuteUpstream deaf;
    private AuditCapture audit;

    @BeforeAll
    void start() throws Exception {
        midBody = new MuteUpstream(true);
        deaf = new MuteUpstream(false);
        audit = new AuditCapture();
        p = ProxyUnderAttack.start(StalledClientIT.TIMEOUTS, "", """
                  - id: mute-mid-body
                    match: { path: /mid/** }
                    upstream: %MID%
                    public: true
                    response_timeout: 1s
                  - id: mute-deaf
                    match: { path: /deaf/** }
                    upstream: %DEAF%
                    public: true
                    max_body_size: 0
                    response_timeout: 1s
                """.replace("%MID%", midBody.url()).replace("%DEAF%", deaf.url()));
    }

    @AfterAll
    void stop() throws Exception {
        audit.close();
        p.close();
        midBody.close();
        deaf.close();
    }

    @Test
    void anUpstreamThatStopsInTheMiddleOfItsBodyIsCut() throws Exception {
        try (RawHttp c = p.connect()) {
            long t0 = System.nanoTime();
            RawHttp.Response res = c.exchange(p.get("/mid/x")); // reads to the close: the body is cut short
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            assertThat(res.status()).isEqualTo(200);
            assertThat(res.body()).as("the part the upstream sent, then the close").hasSize(10);
            assertThat(c.closedByPeer()).isTrue();
            assertThat(millis).as("cut at response_timeout (1 s)").isBetween(500L, 2900L);
        }
        await("the upstream connection is closed", () -> midBody.open.get() == 0);
        JsonNode line = audit.await(l -> "mute-mid-body".equals(l.path("route").asText()));
        assertThat(line.path("reason").asText()).isEqualTo("upstream_timeout");
        assertThat(line.path("status").asInt()).as("the status that went out").isEqualTo(200);
    }

    /** 64 MB offered to an upstream that reads none of it: 504 once the buffers are full for response_timeout. */
    @Test
    void anUpstreamThatNeverReadsTheBodyIs504() throws Exception {
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (RawHttp c = p.connect()) {
            c.send("POST /deaf/x HTTP/1.1\r\nHost: " + p.host() + "\r\nContent-Length: " + (64 << 20) + "\r\n\r\n");
            writer.execute(() -> {
                byte[] chunk = new byte[65536];
                try {
                    for (int i = 0; i < 1024; i++) {
                        c.send(chunk);
                    }
                } catch (IOException closed) {
                    // the proxy gave up
                }
            });
            Answer a = Answer.read(c);

            assertThat(a.status()).as("%s", a).isEqualTo(504);
            assertThat(a.reason()).isEqualTo("upstream_timeout");
        } finally {
            writer.shutdownNow();
        }
        deaf.drain.countDown();
        await("the upstream connection is closed (what it holds ends in a close)", () -> deaf.open.get() == 0);
        audit.await(l -> "mute-deaf".equals(l.path("route").asText())
                && "upstream_timeout".equals(l.path("reason").asText()));
        p.assertStillServing();
    }

    /**
     * Reads a request head (and nothing more), then either sends a 200 head with 10 of its 1000
     * body bytes, or says nothing; holds the connection until the proxy closes it.
     */
    private static final class MuteUpstream implements AutoCloseable {
        final AtomicInteger open = new AtomicInteger();
        /** Counted down by the test once the proxy has answered: then what was sent is read, to the close. */
        final java.util.concurrent.CountDownLatch drain = new java.util.concurrent.CountDownLatch(1);
        private final ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        private final ExecutorService pool = Executors.newCachedThreadPool();

        MuteUpstream(boolean partialBody) throws IOException {
            pool.execute(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        open.incrementAndGet();
                        pool.execute(() -> hold(s, partialBody));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        private void hold(Socket s, boolean partialBody) {
            try (s; InputStream in = s.getInputStream()) {
                StringBuilder head = new StringBuilder();
                while (!head.toString().endsWith("\r\n\r\n")) {
                    int b = in.read();
                    if (b < 0) {
                        return;
                    }
                    head.append((char) b);
                }
                if (partialBody) {
                    s.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + "p".repeat(10))
                            .getBytes(StandardCharsets.ISO_8859_1));
                    s.getOutputStream().flush();
                } else {
                    drain.await(); // reads nothing until told: the body piles up in the buffers
                }
                byte[] buf = new byte[65536];
                while (in.read(buf) >= 0) {
                    // until the proxy's close
                }
            } catch (IOException | InterruptedException e) {
                // closed
            } finally {
                open.decrementAndGet();
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            pool.shutdownNow();
        }
    }
}
