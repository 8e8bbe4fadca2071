package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.fleet.Fleet;
import dev.portcullis.fleet.Load;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis stopped mid-load, then started again, under a fleet behind HAProxy: no request fails because
 * of it; every instance's {@code /readyz} stays 200 and reports {@code shared_state: degraded} while
 * Redis is down and {@code ok} after, and {@code portcullis_shared_state_up} follows.
 */
class RedisFaultIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int INSTANCES = 2;

    @Test
    void aRedisOutageUnderLoadFailsNoRequestAndIsReportedDegradedThenOk() throws Exception {
        try (Fleet fleet = Fleet.start(INSTANCES, "")) {
            String reader = fleet.token("load@example.com", List.of("orders-readers"));
            everyInstanceReports(fleet, "ok", 1.0);
            Load load = Load.start(fleet.url(), n -> "/orders/" + n, reader, 200, 3, 120, Duration.ofSeconds(45));
            load.awaitMore(200);

            fleet.redis.stop();
            everyInstanceReports(fleet, "degraded", 0.0);
            load.awaitMore(200); // served while Redis is down

            fleet.redis.restart();
            everyInstanceReports(fleet, "ok", 1.0);
            load.awaitMore(200);

            Load.Result result = load.stop();
            assertThat(result.failures()).as(result.summary()).isEmpty();
            assertThat(result.requests()).as(result.summary()).isGreaterThan(600);
            for (int i = 0; i < INSTANCES; i++) {
                assertThat(PromText.sum(fleet.metrics(i), "portcullis_shared_state_errors_total"))
                        .as("instance %d counted failed Redis calls", i).isPositive();
            }
        }
    }

    /** Waits (up to 30 s) until every instance's /readyz says {@code shared_state: status}; always 200. */
    private static void everyInstanceReports(Fleet fleet, String status, double up) throws Exception {
        for (Fleet.Instance in : fleet.instances()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                HttpResponse<String> res = fleet.admin(in, "/readyz");
                assertThat(res.statusCode()).as("%s /readyz: %s", in.name, res.body()).isEqualTo(200);
                JsonNode body = JSON.readTree(res.body());
                if (body.path("shared_state").path("status").asText().equals(status)) {
                    assertThat(body.path("status").asText()).isEqualTo("ready");
                    break;
                }
                assertThat(System.nanoTime()).as("%s: waited 30 s for shared_state %s: %s", in.name, status,
                        res.body()).isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(PromText.sum(fleet.admin(in, "/metrics").body(), "portcullis_shared_state_up"))
                    .as("%s portcullis_shared_state_up", in.name).isEqualTo(up);
        }
    }
}
