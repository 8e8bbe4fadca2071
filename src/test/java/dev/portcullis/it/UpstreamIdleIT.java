package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code upstream_defaults.idle_timeout}: a pooled keep-alive connection is reused while it is
 * fresh, and the proxy itself closes it once it has been idle that long — not only when the next
 * request happens to find it stale.
 */
class UpstreamIdleIT {
    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness().start(Harness.defaultConfig().replace(
                "upstream_defaults: { connect_timeout: 1s, response_timeout: 1s }",
                "upstream_defaults: { connect_timeout: 1s, response_timeout: 1s, idle_timeout: 1s }"));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @Test
    void anIdleUpstreamConnectionIsReusedWhileFreshAndClosedByTheProxyAfterIdleTimeout() throws Exception {
        HttpResponse<String> first = h.get("/public/a", null);
        HttpResponse<String> second = h.get("/public/b", null);
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(second.headers().firstValue("X-Upstream-Connection"))
                .as("the second request reuses the pooled connection")
                .isEqualTo(first.headers().firstValue("X-Upstream-Connection"));
        long idleSince = System.nanoTime();
        assertThat(h.upstream.openConnections()).isEqualTo(1);

        long deadline = idleSince + TimeUnit.SECONDS.toNanos(6);
        while (h.upstream.openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        long idleMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - idleSince);
        assertThat(h.upstream.openConnections()).as("closed by the proxy while nobody used it").isZero();
        assertThat(idleMillis).as("not before idle_timeout (1 s)").isGreaterThanOrEqualTo(900);

        int opened = h.upstream.connectionCount();
        assertThat(h.get("/public/c", null).statusCode()).isEqualTo(200);
        assertThat(h.upstream.connectionCount()).as("the next request opens a new one").isEqualTo(opened + 1);
    }
}
