package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Probing traffic end to end: the audit lines, the intrusion event, the webhook call, the block,
 * other clients unaffected, and the block's end after its cooldown. Clients are told apart by
 * their loopback source address (127.0.0.5 probes, 127.0.0.6 is a bystander).
 */
class DetectionWebhookIT {
    static Harness h;
    static HttpServer alerts;
    static final BlockingQueue<String[]> calls = new LinkedBlockingQueue<>();

    @BeforeAll
    static void start() throws Exception {
        alerts = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        alerts.createContext("/hook", ex -> {
            calls.add(new String[] {ex.getRequestHeaders().getFirst("Authorization"),
                new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8)});
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        alerts.start();
        h = new Harness().start(Harness.defaultConfig() + """
                detection:
                  client_threshold: 3
                  window: 30s
                  block: { enabled: true, cooldown: 3s }
                  webhook:
                    url: http://127.0.0.1:%d/hook
                    headers: { Authorization: "hook-secret" }
                    initial_backoff: 100ms
                """.formatted(alerts.getAddress().getPort()));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        alerts.stop(0);
    }

    /** One GET from a chosen loopback source address; returns the status code. */
    static int get(String from, String path) throws Exception {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress("127.0.0.1", h.port()), 2000);
            s.setSoTimeout(3000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: api\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(status.substring(9, 12));
        }
    }

    @Test
    void aProbingClientIsReportedAlertedBlockedAndReleasedWhileOthersAreServed() throws Exception {
        try (AuditCapture audit = new AuditCapture()) {
            for (int i = 0; i < 3; i++) {
                assertThat(get("127.0.0.5", "/orders/probe-" + i)).isEqualTo(401);
            }
            // The block is placed before the third 401 is answered, and lasts the cooldown (3 s)
            // from then: checked first, before the waits for the writer threads and the webhook.
            assertThat(get("127.0.0.5", "/public/x")).isEqualTo(429);
            assertThat(get("127.0.0.6", "/public/x")).as("a bystander is unaffected").isEqualTo(200);
            assertThat(h.metrics()).contains("portcullis_blocked_sources 1");

            JsonNode event = audit.await(n -> "intrusion_suspected".equals(n.path("event").asText()));
            assertThat(event.toString()).contains("127.0.0.5").contains("token_missing");
            // The intrusion event and the decision lines have different writer threads: wait for all three.
            assertThat(audit.awaitCount(n -> "127.0.0.5".equals(n.path("client").asText())
                    && "token_missing".equals(n.path("reason").asText()), 3)).hasSize(3);

            String[] call = calls.poll(10, TimeUnit.SECONDS);
            assertThat(call).as("the alert webhook was called").isNotNull();
            assertThat(call[0]).isEqualTo("hook-secret");
            assertThat(call[1]).contains("\"event\":\"intrusion_suspected\"").contains("127.0.0.5");

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            int status = 429;
            while (status == 429 && System.nanoTime() < deadline) {
                Thread.sleep(250);
                status = get("127.0.0.5", "/public/x");
            }
            assertThat(status).as("served again once the cooldown is over").isEqualTo(200);
        }
    }
}
