package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * In-flight counts outlive a reload: a route's {@code max_concurrent_requests} counts the
 * requests admitted under the old snapshot too, so a reload never doubles the cap.
 */
class ReloadSlotsIT {
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0 }
            issuers:
              - { id: mock, issuer: %ISSUER%, audiences: [api://portcullis] }
            routes:
              - id: slow
                match: { path: /slow/** }
                upstream: %BLOCKING%
                public: true
                max_concurrent_requests: 1
                response_timeout: 30s
            """;

    @TempDir
    Path dir;
    Harness h;
    Path file;
    HttpServer blocking;
    final CountDownLatch release = new CountDownLatch(1);
    final BlockingQueue<String> arrived = new LinkedBlockingQueue<>();

    @BeforeEach
    void start() throws Exception {
        blocking = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        blocking.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        blocking.createContext("/", exchange -> {
            arrived.add(exchange.getRequestURI().getPath());
            if (exchange.getRequestURI().getPath().startsWith("/slow/held")) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = "{\"ok\":true}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        blocking.start();
        h = new Harness();
        file = dir.resolve("portcullis.yaml");
        h.startWatching(file, config(CONFIG));
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        h.close();
        blocking.stop(0);
    }

    private String config(String yaml) {
        return yaml.replace("%BLOCKING%", "http://127.0.0.1:" + blocking.getAddress().getPort());
    }

    @Test
    void aRequestInFlightAcrossAReloadStillHoldsTheRoutesOnlySlot() throws Exception {
        CompletableFuture<HttpResponse<String>> held = h.http.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/slow/held"))
                        .timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(arrived.poll(10, TimeUnit.SECONDS)).as("the first request reached the upstream").isEqualTo("/slow/held");

        // a harmless edit: the same route, with one more (unrelated) route beside it
        Files.writeString(file, h.fill(config(CONFIG + """
                  - id: docs
                    match: { path: /docs/** }
                    upstream: %UPSTREAM%
                    public: true
                """)));
        assertThat(h.proxy().reload().get(15, TimeUnit.SECONDS)).as("the edit went live").isTrue();
        assertThat(h.get("/docs/x", null).statusCode()).as("the new snapshot serves").isEqualTo(200);

        HttpResponse<String> second = h.get("/slow/second", null);
        assertThat(second.statusCode()).as("cap of 1 still taken by the request from before the reload: %s",
                second.body()).isEqualTo(503);
        assertThat(second.body()).contains("upstream_busy");
        assertThat(arrived.poll()).as("the refused request never reached the upstream").isNull();

        release.countDown();
        assertThat(held.get(15, TimeUnit.SECONDS).statusCode()).as("the first one completes").isEqualTo(200);
        // the slot is released as the exchange is audited, just after the answer went out
        int third = h.get("/slow/third", null).statusCode();
        for (long t0 = System.nanoTime(); third == 503 && System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5); ) {
            Thread.sleep(25);
            third = h.get("/slow/third", null).statusCode();
        }
        assertThat(third).as("its slot is free again").isEqualTo(200);
        assertThat(arrived.poll(5, TimeUnit.SECONDS)).isEqualTo("/slow/third");
    }
}
