package dev.portcullis.detect;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.portcullis.detect.IntrusionListener.AlertOutcome;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Deliveries to a real local HTTP server that answers from a script. */
class AlertWebhookTest {
    private static final String BODY = "{\"event\":\"intrusion_suspected\",\"source\":\"203.0.113.9\"}";

    /** What the server received. */
    record Received(long nanos, String method, String body, String authorization, String custom, String type) {
    }

    private HttpServer server;
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Deque<Integer> script = new ArrayDeque<>();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private volatile long delayMillis;
    private final RecordingListener listener = new RecordingListener();
    private AlertWebhook webhook;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newCachedThreadPool());
        server.createContext("/hook", ex -> {
            byte[] body = ex.getRequestBody().readAllBytes();
            long delay = delayMillis; // read before the request is seen: the test resets it once it is
            received.add(new Received(System.nanoTime(), ex.getRequestMethod(), new String(body, StandardCharsets.UTF_8),
                    ex.getRequestHeaders().getFirst("Authorization"), ex.getRequestHeaders().getFirst("X-Custom"),
                    ex.getRequestHeaders().getFirst("Content-Type")));
            try {
                gate.await(10, TimeUnit.SECONDS);
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            int status;
            synchronized (script) {
                status = script.isEmpty() ? 200 : script.poll();
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        gate.countDown();
        if (webhook != null) {
            webhook.close();
        }
        server.stop(0);
    }

    private AlertWebhook webhook(String url, int maxAttempts, int capacity) {
        return webhook(url, maxAttempts, capacity, Duration.ofSeconds(5));
    }

    private AlertWebhook webhook(String url, int maxAttempts, int capacity, Duration timeout) {
        webhook = new AlertWebhook(Configs.webhook(url, Map.of("Authorization", "Bearer s3cr3t", "X-Custom", "yes"),
                timeout, maxAttempts, Duration.ofMillis(50), capacity), listener);
        return webhook;
    }

    private String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    private void script(Integer... statuses) {
        synchronized (script) {
            script.addAll(List.of(statuses));
        }
    }

    @Test
    void retriesServerErrorsWithGrowingBackoffThenDelivers() throws Exception {
        script(503, 503, 200);
        webhook(url(), 5, 10).submit(BODY);

        await(() -> listener.outcomes.size() == 1);
        assertThat(listener.outcomes).containsExactly(AlertOutcome.DELIVERED);
        assertThat(received).hasSize(3);
        long first = received.get(1).nanos() - received.get(0).nanos();
        long second = received.get(2).nanos() - received.get(1).nanos();
        assertThat(TimeUnit.NANOSECONDS.toMillis(first)).isGreaterThanOrEqualTo(50);
        assertThat(TimeUnit.NANOSECONDS.toMillis(second)).isGreaterThanOrEqualTo(100);
        Thread.sleep(200);
        assertThat(received).hasSize(3);
    }

    @Test
    void sendsTheBodyAndTheConfiguredHeaders() throws Exception {
        webhook(url(), 5, 10).submit(BODY);

        await(() -> listener.outcomes.size() == 1);
        Received r = received.get(0);
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.body()).isEqualTo(BODY);
        assertThat(r.authorization()).isEqualTo("Bearer s3cr3t");
        assertThat(r.custom()).isEqualTo("yes");
        assertThat(r.type()).isEqualTo("application/json");
    }

    @Test
    void aClientErrorIsNotRetried() throws Exception {
        script(400);
        webhook(url(), 5, 10).submit(BODY);

        await(() -> listener.outcomes.size() == 1);
        Thread.sleep(300); // longer than the first back-off: a retry would have come by now
        assertThat(received).hasSize(1);
        assertThat(listener.outcomes).containsExactly(AlertOutcome.REJECTED);
    }

    @Test
    void givesUpAfterMaxAttempts() throws Exception {
        script(500, 502, 503, 504, 500);
        webhook(url(), 3, 10).submit(BODY);

        await(() -> listener.outcomes.size() == 1);
        assertThat(listener.outcomes).containsExactly(AlertOutcome.GAVE_UP);
        assertThat(received).hasSize(3);
    }

    @Test
    void retriesConnectionErrors() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        webhook("http://127.0.0.1:" + closedPort + "/hook", 3, 10).submit(BODY);

        await(() -> listener.outcomes.size() == 1);
        assertThat(listener.outcomes).containsExactly(AlertOutcome.GAVE_UP);
    }

    @Test
    void retriesATimeout() throws Exception {
        webhook(url(), 5, 10).submit(BODY); // warm up the client: a cold start may take long
        await(() -> listener.outcomes.size() == 1);
        delayMillis = 1500; // beyond the 500 ms timeout, for the next request only
        webhook.close();
        webhook(url(), 5, 10, Duration.ofMillis(500)).submit(BODY);
        await(() -> received.size() == 2);
        delayMillis = 0;

        await(() -> listener.outcomes.size() == 2);
        assertThat(listener.outcomes).containsExactly(AlertOutcome.DELIVERED, AlertOutcome.DELIVERED);
        assertThat(received).hasSize(3);
    }

    @Test
    void aFullQueueDropsAndCounts() throws Exception {
        gate = new CountDownLatch(1); // the server holds the first delivery
        AlertWebhook w = webhook(url(), 5, 2);
        for (int i = 0; i < 10; i++) {
            w.submit(BODY);
        }
        assertThat(listener.count(AlertOutcome.DROPPED)).isEqualTo(7); // one in flight, two queued
        gate.countDown();

        await(() -> listener.count(AlertOutcome.DELIVERED) == 3);
        assertThat(received).hasSize(3);
    }

    @Test
    void backoffDoublesUpToItsCap() {
        AlertWebhook w = new AlertWebhook(Configs.webhook(url(), Map.of(), Duration.ofSeconds(3), 5,
                Duration.ofSeconds(1), 10), listener);
        try {
            assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 40)).extracting(w::backoffMillis)
                    .containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 32000L, 60000L, 60000L);
        } finally {
            w.close();
        }
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
            Thread.sleep(5);
        }
    }
}
