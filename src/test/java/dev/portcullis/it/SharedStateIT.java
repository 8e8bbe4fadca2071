package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.shared.RedisServer;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code shared_state.redis} on a running proxy, against a real redis-server: {@code /readyz} reports
 * {@code shared_state: ok}, then {@code degraded} while Redis is down (and stays 200), the metrics say
 * so, bearer requests are served all along, and everything clears when Redis is back.
 */
class SharedStateIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private RedisServer redis;
    private Harness h;

    @BeforeEach
    void start() throws Exception {
        redis = RedisServer.start();
        h = new Harness().start(Harness.defaultConfig() + "shared_state:\n  redis:\n    uri: " + redis.uri()
                + "\n    key_prefix: \"it:\"\n    timeout: 500ms\n");
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
        redis.close();
    }

    private JsonNode readyzWhen(String sharedStatus) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            HttpResponse<String> res = h.admin("/readyz");
            assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            JsonNode body = JSON.readTree(res.body());
            if (body.path("shared_state").path("status").asText().equals(sharedStatus)) {
                return body;
            }
            assertThat(System.nanoTime()).as("waited 30s for shared_state %s: %s", sharedStatus, res.body())
                    .isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void redisDownIsReportedAsDegradedWhileBearerRequestsAreServed() throws Exception {
        String reader = h.token("alice", List.of("orders-readers"));
        assertThat(readyzWhen("ok").path("status").asText()).isEqualTo("ready");
        assertThat(PromText.sum(h.metrics(), "portcullis_shared_state_up")).isEqualTo(1.0);

        redis.stop();
        assertThat(readyzWhen("degraded").path("status").asText()).isEqualTo("ready");
        assertThat(PromText.sum(h.metrics(), "portcullis_shared_state_up")).isEqualTo(0.0);
        assertThat(PromText.sum(h.metrics(), "portcullis_shared_state_errors_total")).isPositive();
        h.upstream.clear();
        assertThat(h.get("/orders/7", reader).statusCode()).isEqualTo(200);
        assertThat(h.upstream.take().target()).isEqualTo("/orders/7");

        redis.restart();
        readyzWhen("ok");
        assertThat(PromText.sum(h.metrics(), "portcullis_shared_state_up")).isEqualTo(1.0);
    }
}
