package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.hardening.ProxyUnderAttack.Answer;
import dev.portcullis.it.Harness;
import dev.portcullis.it.RawHttp;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The admin listener's own limits ({@code admin.max_connections: 4}, {@code header_read_timeout:
 * 1s}, {@code idle_timeout: 2s} here): services fetch the assertion JWKS from it, so slow or
 * numerous connections must not hold it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminExhaustionIT {
    private static final int MAX = 4;
    private Harness h;

    @BeforeAll
    void start() throws Exception {
        h = new Harness().start(Harness.defaultConfig().replace("admin: { listen: 127.0.0.1:0 }",
                "admin: { listen: 127.0.0.1:0, max_connections: " + MAX + ", header_read_timeout: 1s,"
                        + " idle_timeout: 2s }"));
    }

    @AfterAll
    void stop() throws Exception {
        h.close();
    }

    private RawHttp connect() throws IOException {
        return new RawHttp(h.proxy().adminPort(), 3000);
    }

    private static String healthz(String... extra) {
        return "GET /healthz HTTP/1.1\r\nHost: admin\r\n" + String.join("", extra) + "\r\n";
    }

    /** A head that trickles in, a byte at a time, is answered 408 at about 1 s and closed. */
    @Test
    void aSlowHeadIsAnswered408AndClosed() throws Exception {
        double before = StalledClientIT.clientTimeouts(h.metrics(), "admin", "header");
        try (RawHttp c = connect()) {
            long t0 = System.nanoTime();
            c.send("GET /.well-known/jwks.json HTTP/1.1\r\nHost: admin\r\nX-Slow: ");
            AtomicLong answeredAt = new AtomicLong();
            CompletableFuture<Answer> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    Answer read = Answer.read(c);
                    answeredAt.set(System.nanoTime());
                    return read;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 20 && !answer.isDone(); i++) {
                Thread.sleep(150);
                try {
                    c.send("z");
                } catch (IOException closed) {
                    break;
                }
            }
            Answer a = answer.get(5, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(answeredAt.get() - t0);

            assertThat(a.status()).as("%s", a).isEqualTo(408);
            assertThat(a.reason()).isEqualTo("header_timeout");
            assertThat(a.closed()).isTrue();
            assertThat(millis).as("answered at admin.header_read_timeout (1 s)").isBetween(800L, 3000L);
        }
        String text = h.metricsWhen(t -> StalledClientIT.clientTimeouts(t, "admin", "header") >= before + 1);
        assertThat(StalledClientIT.clientTimeouts(text, "admin", "header")).isEqualTo(before + 1);
    }

    /** Connections beyond admin.max_connections are closed on accept; once one closes, new ones are served. */
    @Test
    void connectionsBeyondTheCapAreClosedOnAccept() throws Exception {
        List<RawHttp> held = new ArrayList<>();
        int served = 0;
        int refused = 0;
        try {
            for (int i = 0; i < MAX + 2; i++) {
                RawHttp c = connect();
                held.add(c);
                try {
                    c.send(healthz());
                    c.read();
                    served++;
                } catch (IOException closed) {
                    refused++;
                }
            }
            assertThat(served).as("served at most admin.max_connections").isLessThanOrEqualTo(MAX);
            assertThat(refused).as("closed on accept").isGreaterThanOrEqualTo(2);
        } finally {
            for (RawHttp c : held) {
                c.close();
            }
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            try (RawHttp c = connect()) {
                if (c.exchange(healthz("Connection: close\r\n")).status() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // the proxy has not seen the closes yet
            }
            assertThat(System.nanoTime()).as("served again within 5 s of the closes").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    /** A kept-alive admin connection with nothing more to say is closed after admin.idle_timeout (2 s). */
    @Test
    void anIdleKeptAliveConnectionIsClosed() throws Exception {
        try (RawHttp c = new RawHttp(h.proxy().adminPort(), 6000)) {
            assertThat(c.exchange(healthz()).status()).isEqualTo(200);
            long t0 = System.nanoTime();
            assertThat(c.closedByPeer()).as("closed within the 6 s read bound").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isBetween(1500L, 5000L);
        }
    }
}
