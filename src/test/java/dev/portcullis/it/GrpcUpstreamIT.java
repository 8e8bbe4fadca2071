package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * gRPC pass-through on the upstream side, with HTTP/1.1 clients in front of an {@code h2c}
 * upstream: response trailers reach the client as chunked trailers, request and response bodies
 * stream both ways piece by piece, and {@code grpc-timeout} bounds the wait for the upstream.
 */
class GrpcUpstreamIT {
    static Harness h;
    static H2TestUpstream main;

    @BeforeAll
    static void start() throws Exception {
        main = new H2TestUpstream(0, null);
        h = new Harness();
        h.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: { key_wait_timeout: 2s }
                upstream_defaults: { connect_timeout: 2s, response_timeout: 10s }
                issuers:
                  - id: mock
                    issuer: %ISSUER%
                    audiences: [api://portcullis]
                routes:
                  - id: grpc
                    match: { path: /pkg.Echo/** }
                    upstream: %MAIN%
                    upstream_protocol: h2c
                    allow: [ { methods: [POST], groups_any: [devs] } ]
                  - id: slow
                    match: { path: /slow/** }
                    upstream: %MAIN%
                    upstream_protocol: h2c
                    response_timeout: 20s
                    public: true
                  - id: quick
                    match: { path: /quick/** }
                    upstream: %MAIN%
                    upstream_protocol: h2c
                    response_timeout: 1500ms
                    public: true
                  - id: api
                    match: { path: /api/** }
                    upstream: %MAIN%
                    upstream_protocol: h2c
                    allow: [ { groups_any: [devs] } ]
                """.replace("%MAIN%", main.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        main.close();
    }

    @BeforeEach
    void forget() {
        main.reset();
    }

    private static String token() {
        return h.token("alice@example.com", List.of("devs"));
    }

    @Test
    void theUpstreamsTrailersReachTheClientAsChunkedTrailers() throws Exception {
        try (Http1Client c = new Http1Client(h.port())) {
            HttpRequest get = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/api/trailers");
            get.headers().set("host", "x").set("authorization", "Bearer " + token());
            c.send(get);
            c.send(new DefaultLastHttpContent());
            List<Http1Client.Part> parts = c.untilEnd();
            assertThat(parts.get(0)).isInstanceOfSatisfying(Http1Client.Head.class, head -> {
                assertThat(head.status()).isEqualTo(200);
                assertThat(head.headers()).doesNotContainKey("x-http2-stream-id").containsEntry("transfer-encoding",
                        "chunked");
            });
            assertThat(parts.get(parts.size() - 1)).isInstanceOfSatisfying(Http1Client.End.class,
                    end -> assertThat(end.trailers()).containsEntry("grpc-status", "0")
                            .containsEntry("grpc-message", "fine"));
        }
    }


    /** A gRPC-shaped call: each piece of the request body is echoed back before the next is sent. */
    @Test
    void aGrpcCallStreamsBothWaysAndEndsWithItsTrailers() throws Exception {
        try (Http1Client c = new Http1Client(h.port())) {
            HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/pkg.Echo/Chat");
            post.headers().set("host", "x").set("authorization", "Bearer " + token())
                    .set("content-type", "application/grpc").set("te", "trailers")
                    .set("transfer-encoding", "chunked");
            c.send(post);
            c.send(new DefaultHttpContent(Unpooled.copiedBuffer("one", StandardCharsets.UTF_8)));
            assertThat(c.next()).isInstanceOfSatisfying(Http1Client.Head.class,
                    head -> assertThat(head.status()).isEqualTo(200));
            assertThat(c.next()).isEqualTo(new Http1Client.Piece("one")); // before the request ended
            c.send(new DefaultHttpContent(Unpooled.copiedBuffer("two", StandardCharsets.UTF_8)));
            assertThat(c.next()).isEqualTo(new Http1Client.Piece("two"));
            c.send(new DefaultLastHttpContent());
            assertThat(c.next()).isInstanceOfSatisfying(Http1Client.End.class, end -> assertThat(end.trailers())
                    .containsEntry("grpc-status", "0").containsEntry("grpc-message", "echoed"));
        }
        H2TestUpstream.Received got = main.only();
        assertThat(got.first(":path")).isEqualTo("/pkg.Echo/Chat");
        assertThat(got.text()).isEqualTo("onetwo");
        assertThat(got.headers().get("te")).containsExactly("trailers");
        assertThat(got.first("content-type")).isEqualTo("application/grpc");
    }

    @Test
    void grpcTimeoutShorterThanTheRoutesEndsTheExchangeAt504WithinIt() throws Exception {
        long t0 = System.nanoTime();
        try (RawHttp raw = h.raw()) {
            RawHttp.Response r = raw.exchange("GET /slow/hang HTTP/1.1\r\nHost: x\r\ngrpc-timeout: 300m\r\n\r\n");
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.bodyText()).contains("upstream_timeout");
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(8)); // route: 20 s
    }

    @ParameterizedTest
    @CsvSource({"abc", "1x", "123456789S", "-1S", "S", "1.5S"})
    void aMalformedGrpcTimeoutIsIgnoredAndTheRoutesTimeoutApplies(String value) throws Exception {
        long t0 = System.nanoTime();
        try (RawHttp raw = h.raw()) {
            RawHttp.Response r = raw.exchange("GET /quick/hang HTTP/1.1\r\nHost: x\r\ngrpc-timeout: " + value
                    + "\r\n\r\n");
            assertThat(r.status()).isEqualTo(504);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1400));
    }

}
