package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.it.RecordingUpstream.Behaviour;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code Portcullis.shutdown()}, the method SIGTERM and SIGINT call, over real sockets: {@code /readyz}
 * turns 503 {@code draining} at once, idle keep-alive connections close, responses carry
 * {@code Connection: close}, the listener closes after {@code drain_delay}, exchanges in flight
 * (bodies still being streamed included) finish with their audit lines, and what is still open at
 * {@code timeout} is cut with an audit line {@code shutdown}.
 */
class GracefulDrainIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static String config(String shutdown, String slowUpstream) {
        return """
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 60s }
                shutdown: %s
                routes:
                  - { id: fast, match: { path: /fast/** }, upstream: %%UPSTREAM%%, public: true }
                  - { id: slow, match: { path: /slow/** }, upstream: %s, public: true }
                """.formatted(shutdown, slowUpstream);
    }

    @Test
    void requestsInFlightFinishAcrossTheDrainAndKeepAliveConnectionsClose() throws Exception {
        try (Harness h = new Harness(); RecordingUpstream slow = new RecordingUpstream();
                AuditCapture audit = new AuditCapture()) {
            slow.behave(new Behaviour(200, "{\"slow\":\"done\"}", 4000, false));
            h.start(config("{ drain_delay: 3s, timeout: 10s }", slow.url()));
            RawHttp idle = h.raw();
            RawHttp.Response before = idle.exchange("GET /fast/before HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(before.status()).isEqualTo(200);
            assertThat(before.header("Connection")).isNull(); // kept alive, and now idle
            RawHttp streaming = h.raw();
            streaming.send("POST /fast/upload HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nfirst");
            List<RawHttp> slowOnes = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                slowOnes.add(h.raw().send("GET /slow/" + i + " HTTP/1.1\r\nHost: a\r\n\r\n"));
                assertThat(slow.take()).as("slow request %d reached its upstream", i).isNotNull();
            }
            assertThat(h.upstream.take()).isNotNull(); // /fast/before

            CompletableFuture<Void> stopped = CompletableFuture.runAsync(h.proxy()::shutdown);

            HttpResponse<String> ready = awaitNotReady(h);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(JSON.readTree(ready.body()).path("status").asText()).isEqualTo("draining");
            assertThat(idle.closedByPeer()).as("an idle keep-alive connection is closed").isTrue();
            RawHttp late = h.raw(); // within drain_delay the listener still accepts
            RawHttp.Response lateAnswer = late.exchange("GET /fast/late HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(lateAnswer.status()).isEqualTo(200);
            assertThat(lateAnswer.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(late.closedByPeer()).isTrue();

            awaitListenerClosed(h.port());
            streaming.send("-rest");
            RawHttp.Response uploaded = streaming.read();
            assertThat(uploaded.status()).isEqualTo(200);
            assertThat(uploaded.header("Connection")).isEqualToIgnoringCase("close");
            RecordingUpstream.Received upload = awaitReceived(h.upstream, "/fast/upload");
            assertThat(new String(upload.body(), StandardCharsets.UTF_8)).isEqualTo("first-rest");
            for (int i = 0; i < 3; i++) {
                RawHttp.Response r = slowOnes.get(i).read();
                assertThat(r.status()).as("slow request %d", i).isEqualTo(200);
                assertThat(r.bodyText()).isEqualTo("{\"slow\":\"done\"}");
                assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
                assertThat(slowOnes.get(i).closedByPeer()).isTrue();
            }
            stopped.get(15, TimeUnit.SECONDS);

            for (String path : List.of("/slow/0", "/slow/1", "/slow/2", "/fast/late", "/fast/upload")) {
                JsonNode line = audit.await(l -> path.equals(l.path("path").asText()));
                assertThat(line.path("status").asInt()).as(path).isEqualTo(200);
                assertThat(line.path("reason").asText()).as(path).isEqualTo("public_route");
            }
            assertThat(audit.lines()).noneMatch(l -> "shutdown".equals(l.path("reason").asText()));
        }
    }

    @Test
    void whatOutlivesTheTimeoutIsCutWithAnAuditLine() throws Exception {
        try (Harness h = new Harness(); RecordingUpstream stuck = new RecordingUpstream();
                AuditCapture audit = new AuditCapture()) {
            stuck.behave(new Behaviour(200, "{\"stuck\":\"done\"}", 30_000, false));
            h.start(config("{ drain_delay: 0s, timeout: 1s }", stuck.url()));
            RawHttp client = new RawHttp(h.port(), 20_000);
            client.send("GET /slow/stuck HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(stuck.take()).isNotNull();

            long t0 = System.nanoTime();
            h.proxy().shutdown();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            RawHttp.Response r = client.read();
            assertThat(r.status()).isEqualTo(503);
            assertThat(JSON.readTree(r.bodyText()).path("reason").asText()).isEqualTo("shutdown");
            assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
            assertThat(client.closedByPeer()).isTrue();
            JsonNode line = audit.await(l -> "/slow/stuck".equals(l.path("path").asText()));
            assertThat(line.path("reason").asText()).isEqualTo("shutdown");
            assertThat(line.path("decision").asText()).isEqualTo("error");
            assertThat(line.path("status").asInt()).isEqualTo(503);
            assertThat(line.path("request_id").asText()).isEqualTo(r.header("X-Request-Id"));
            assertThat(tookMillis).as("the cut comes at the timeout, not at the upstream's 30 s").isLessThan(15_000);
        }
    }

    /** A response whose body is still coming at the deadline is closed; its audit line keeps the status sent. */
    @Test
    void aResponseCutMidBodyIsAuditedWithTheStatusAlreadySent() throws Exception {
        try (Harness h = new Harness(); ServerSocket stalling = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
                AuditCapture audit = new AuditCapture()) {
            CountDownLatch halfSent = new CountDownLatch(1);
            Thread upstream = new Thread(() -> halfAnswer(stalling, halfSent), "stalling-upstream");
            upstream.setDaemon(true);
            upstream.start();
            h.start(config("{ drain_delay: 0s, timeout: 2s }", "http://127.0.0.1:" + stalling.getLocalPort()));
            RawHttp client = new RawHttp(h.port(), 20_000);
            client.send("GET /slow/half HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(halfSent.await(10, TimeUnit.SECONDS)).isTrue();

            h.proxy().shutdown();

            RawHttp.Response r = client.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.bodyText()).as("the body stops where the upstream stopped").isEqualTo("first-part");
            JsonNode line = audit.await(l -> "/slow/half".equals(l.path("path").asText()));
            assertThat(line.path("reason").asText()).isEqualTo("shutdown");
            assertThat(line.path("status").asInt()).isEqualTo(200);
        }
    }

    /** Answers one request with a head and the first 10 of 100 body bytes, then holds the connection. */
    private static void halfAnswer(ServerSocket server, CountDownLatch halfSent) {
        try (Socket s = server.accept()) {
            byte[] buf = new byte[4096];
            String head = "";
            while (!head.contains("\r\n\r\n")) {
                int n = s.getInputStream().read(buf);
                if (n < 0) {
                    return;
                }
                head += new String(buf, 0, n, StandardCharsets.ISO_8859_1);
            }
            s.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst-part"
                    .getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            halfSent.countDown();
            s.getInputStream().read(buf); // until the proxy closes it
        } catch (IOException e) {
            // the test is over
        }
    }

    /** A second signal ({@code hurry}) ends the drain delay and the timeout at once: the stuck request is cut now. */
    @Test
    void aSecondSignalCutsTheDrainShort() throws Exception {
        try (Harness h = new Harness(); RecordingUpstream stuck = new RecordingUpstream();
                AuditCapture audit = new AuditCapture()) {
            stuck.behave(new Behaviour(200, "{\"stuck\":\"done\"}", 60_000, false));
            h.start(config("{ drain_delay: 30s, timeout: 1h }", stuck.url()));
            RawHttp client = new RawHttp(h.port(), 20_000);
            client.send("GET /slow/stuck HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(stuck.take()).isNotNull();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(h.proxy()::shutdown);
            assertThat(awaitNotReady(h).statusCode()).isEqualTo(503);

            h.proxy().hurry();

            stopped.get(15, TimeUnit.SECONDS);
            assertThat(client.read().status()).isEqualTo(503);
            assertThat(audit.await(l -> "/slow/stuck".equals(l.path("path").asText())).path("reason").asText())
                    .isEqualTo("shutdown");
        }
    }

    private static HttpResponse<String> awaitNotReady(Harness h) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> r;
        do {
            r = h.admin("/readyz");
            if (r.statusCode() != 200) {
                return r;
            }
            Thread.sleep(10);
        } while (System.nanoTime() < deadline);
        return r;
    }

    private static void awaitListenerClosed(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                Thread.sleep(20);
            } catch (ConnectException refused) {
                return;
            }
        }
        throw new AssertionError("the listener still accepts 10 s after the drain began");
    }

    private static RecordingUpstream.Received awaitReceived(RecordingUpstream u, String target)
            throws InterruptedException, IOException {
        RecordingUpstream.Received r;
        while ((r = u.take()) != null) {
            if (r.target().equals(target)) {
                return r;
            }
        }
        throw new AssertionError(target + " did not reach the upstream");
    }
}
