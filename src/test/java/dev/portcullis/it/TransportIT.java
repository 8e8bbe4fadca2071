package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code server.transport} over real sockets: the proxy started on io_uring, epoll and NIO serves an
 * allowed request end to end, to an HTTP/1.1 upstream and to an h2c one, and the upstreams receive it
 * with the caller's identity. A transport this kernel lacks is skipped with Netty's reason.
 */
class TransportIT {
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0 }
            server: { key_wait_timeout: 2s, io_threads: 1, transport: %TRANSPORT% }
            upstream_defaults: { connect_timeout: 2s, response_timeout: 10s }
            issuers:
              - id: mock
                issuer: %ISSUER%
                audiences: [api://portcullis]
            routes:
              - id: orders
                match: { path: /orders/** }
                upstream: %UPSTREAM%
                allow: [ { groups_any: [orders-readers] } ]
              - id: h2
                match: { path: /h2/** }
                upstream: %H2%
                upstream_protocol: h2c
                allow: [ { groups_any: [orders-readers] } ]
            """;
    static H2TestUpstream h2;

    @BeforeAll
    static void upstream() throws Exception {
        h2 = new H2TestUpstream(0, null);
    }

    @AfterAll
    static void stop() {
        h2.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void eachTransportServesAnAllowedRequestToAnHttp1AndAnH2cUpstream(String transport) throws Exception {
        assumeAvailable(transport);
        try (Harness h = new Harness()) {
            h.start(CONFIG.replace("%TRANSPORT%", transport).replace("%H2%", h2.url()));
            assertThat(h.proxy().gate().transport().name()).isEqualTo(transport);

            assertServes(h);
        }
    }

    /**
     * A named transport the process cannot use is no start error: it falls back (here epoll, forced
     * to NIO by {@code -Dportcullis.nio}, the one way to take a transport away on any machine) and serves.
     */
    @Test
    void aTransportThatCannotBeUsedFallsBackAndServes() throws Exception {
        System.setProperty("portcullis.nio", "true");
        try (Harness h = new Harness()) {
            h.start(CONFIG.replace("%TRANSPORT%", "epoll").replace("%H2%", h2.url()));
            assertThat(h.proxy().gate().transport().name()).isEqualTo("nio");

            assertServes(h);
        } finally {
            System.clearProperty("portcullis.nio");
        }
    }

    private static void assertServes(Harness h) throws Exception {
        String token = h.token("alice@example.com", List.of("orders-readers"));
        HttpResponse<String> r = h.get("/orders/42", token);
        assertThat(r.statusCode()).isEqualTo(200);
        RecordingUpstream.Received got = h.upstream.take();
        assertThat(got.requestLine()).isEqualTo("GET /orders/42 HTTP/1.1");
        assertThat(got.header("X-Auth-Subject")).isEqualTo("alice@example.com");

        h2.reset();
        HttpResponse<String> r2 = h.get("/h2/items?x=1", token);
        assertThat(r2.statusCode()).isEqualTo(200);
        assertThat(r2.body()).isEqualTo("ok");
        H2TestUpstream.Received streamed = h2.only();
        assertThat(streamed.first(":path")).isEqualTo("/h2/items?x=1");
        assertThat(streamed.headers().get("x-auth-subject")).containsExactly("alice@example.com");
    }

    private static void assumeAvailable(String transport) {
        if (transport.equals("io_uring")) {
            assumeTrue(IoUring.isAvailable(), () -> "io_uring is not available here: " + IoUring.unavailabilityCause());
        } else if (transport.equals("epoll")) {
            assumeTrue(Epoll.isAvailable(), () -> "epoll is not available here: " + Epoll.unavailabilityCause());
        }
    }
}
