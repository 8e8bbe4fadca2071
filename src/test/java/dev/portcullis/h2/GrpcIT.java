package dev.portcullis.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.it.AuditCapture;
import dev.portcullis.it.Harness;
import dev.portcullis.it.RecordingUpstream;
import io.grpc.Metadata;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * grpc-java through the proxy to a real gRPC service ({@link GrpcEcho}, an {@code h2c} upstream):
 * unary, server- and client-streaming calls allowed with the caller's identity arriving as
 * metadata, routes naming single methods, a client deadline honoured by the proxy
 * ({@code grpc-timeout}), and the service's own status and message relayed in the trailers.
 */
class GrpcIT {
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0 }
            server: { key_wait_timeout: 2s, http2: true }
            upstream_defaults: { connect_timeout: 2s, response_timeout: 20s }
            issuers:
              - id: mock
                issuer: %ISSUER%
                audiences: [api://portcullis]
                clock_skew: 5s
                max_token_lifetime: 1h
            routes:
              - id: slow-http1
                match: { path: /slow.Svc/** }
                upstream: %UPSTREAM%
                allow: [ { methods: [POST], groups_any: [echo-admins] } ]
              - id: echo-unary
                match: { path: /echo.Echo/Unary }
                upstream: %ECHO%
                upstream_protocol: h2c
                allow: [ { methods: [POST], groups_any: [echo-users] } ]
              - id: echo
                match: { path: /echo.Echo/** }
                upstream: %ECHO%
                upstream_protocol: h2c
                allow: [ { methods: [POST], groups_any: [echo-admins] } ]
            """;
    private static final Metadata.Key<String> ECHO_SUBJECT = Metadata.Key.of("echo-subject", Metadata.ASCII_STRING_MARSHALLER);
    private static GrpcEcho echo;
    private static Harness h;
    private static AuditCapture audit;

    @BeforeAll
    static void start() throws Exception {
        echo = new GrpcEcho();
        audit = new AuditCapture();
        h = new Harness().start(CONFIG.replace("%ECHO%", echo.url()));
    }

    @AfterAll
    static void stop() throws Exception {
        audit.close();
        h.close();
        echo.close();
    }

    @BeforeEach
    void clear() {
        echo.received.clear();
    }

    private static String user() {
        return h.token("alice", List.of("echo-users"));
    }

    private static String admin() {
        return h.token("carol", List.of("echo-admins"));
    }

    @Test
    void unaryCallIsAllowedAndTheServiceSeesWhoCalled() throws Exception {
        try (GrpcClient c = new GrpcClient(h.port(), user(), "x-auth-subject", "mallory")) {
            assertEquals("hello", c.unary(GrpcEcho.UNARY, "hello"));
            assertEquals("alice", c.lastHeaders.get().get(ECHO_SUBJECT), "the service's answer headers reach the client");
        }
        GrpcEcho.Call call = echo.received.poll(5, TimeUnit.SECONDS);
        assertEquals("echo.Echo/Unary", call.method());
        assertEquals("alice", call.header("x-auth-subject"), "the verified subject, never the one the client sent");
        assertEquals("echo-users", call.header("x-auth-groups"));
        JsonNode line = audit.await(l -> "/echo.Echo/Unary".equals(l.path("path").asText())
                && "allowed".equals(l.path("reason").asText()));
        assertEquals("echo-unary", line.path("route").asText());
        assertEquals(200, line.path("status").asInt());
        assertFalse(line.has("grpc_status"), "a relayed answer is the service's: " + line);
    }

    /** A route naming one method takes it over from its service's route: each has its own rules. */
    @Test
    void routesNameSingleMethods() throws Exception {
        Status other;
        Status unaryAsAdmin;
        try (GrpcClient c = new GrpcClient(h.port(), user())) {
            other = c.unaryStatus(GrpcEcho.FAIL, "x", Duration.ofSeconds(10));
        }
        try (GrpcClient c = new GrpcClient(h.port(), admin())) {
            unaryAsAdmin = c.unaryStatus(GrpcEcho.UNARY, "x", Duration.ofSeconds(10));
        }
        assertEquals(Status.Code.PERMISSION_DENIED, other.getCode(), other.toString());
        assertEquals("group_denied", other.getDescription());
        assertEquals(Status.Code.PERMISSION_DENIED, unaryAsAdmin.getCode(), unaryAsAdmin.toString());
        assertNull(echo.received.poll(300, TimeUnit.MILLISECONDS), "neither reached the service");
        JsonNode line = audit.await(l -> "/echo.Echo/Fail".equals(l.path("path").asText())
                && "group_denied".equals(l.path("reason").asText()));
        assertEquals("echo", line.path("route").asText());
        assertEquals(7, line.path("grpc_status").asInt());
    }

    @Test
    void serverStreamingRelaysEveryMessage() throws Exception {
        List<String> replies;
        try (GrpcClient c = new GrpcClient(h.port(), admin())) {
            replies = c.serverStream(GrpcEcho.SERVER_STREAM, "50:m");
        }
        assertEquals(IntStream.rangeClosed(1, 50).mapToObj(i -> "m-" + i).toList(), replies);
        assertEquals("carol", echo.received.poll(5, TimeUnit.SECONDS).header("x-auth-subject"));
    }

    @Test
    void clientStreamingRelaysEveryMessage() throws Exception {
        List<String> pieces = IntStream.range(0, 40).mapToObj(i -> "p" + i + ";").toList();
        try (GrpcClient c = new GrpcClient(h.port(), admin())) {
            assertEquals(String.join("", pieces), c.clientStream(GrpcEcho.CLIENT_STREAM, pieces));
        }
    }

    /**
     * The client's deadline (1 s) goes to the proxy as {@code grpc-timeout}, far below the route's
     * 20 s response timeout: the exchange ends at the deadline, the client sees DEADLINE_EXCEEDED,
     * and the service's call is cancelled.
     */
    @Test
    void aClientDeadlineEndsTheExchange() throws Exception {
        long start = System.nanoTime();
        Status status;
        try (GrpcClient c = new GrpcClient(h.port(), admin())) {
            status = c.unaryStatus(GrpcEcho.SLOW, "zzz", Duration.ofSeconds(1));
        }
        assertEquals(Status.Code.DEADLINE_EXCEEDED, status.getCode(), status.toString());
        assertTrue(echo.cancelled.await(10, TimeUnit.SECONDS), "the service's call was cancelled");
        JsonNode line = audit.await(l -> "/echo.Echo/Slow".equals(l.path("path").asText()));
        // Whoever gives up first: the proxy at grpc-timeout (upstream_timeout), the client at its deadline
        // (client_closed), or the service, which honours the grpc-timeout it was sent on (its reset: upstream_error).
        assertTrue(Set.of("upstream_timeout", "client_closed", "upstream_error").contains(line.path("reason").asText()),
                line.toString());
        assertTrue(line.path("duration_us").asLong() < 15_000_000, "ended near the deadline, not at 20 s: " + line);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(15));
    }

    /**
     * The same deadline seen from the proxy alone, on an upstream that knows nothing of
     * {@code grpc-timeout} (so only the proxy can honour it): a client that does not give up itself
     * gets, at its {@code grpc-timeout}, the proxy's 504 as a gRPC DEADLINE_EXCEEDED, well before
     * the route's 20 s.
     */
    @Test
    void grpcTimeoutIsAnsweredDeadlineExceeded() throws Exception {
        h.upstream.behave(new RecordingUpstream.Behaviour(200, "late", 15_000, false));
        RawH2.Answer a;
        long start = System.nanoTime();
        try (RawH2 c = new RawH2(h.port())) {
            c.headers(1, RawH2.request("POST", "/slow.Svc/Wait", h.port(), "content-type", "application/grpc",
                    "te", "trailers", "grpc-timeout", "700m", "authorization", "Bearer " + admin()), false);
            c.data(1, new byte[] {0, 0, 0, 0, 0}, true);
            a = c.answer(1, Duration.ofSeconds(12));
        } finally {
            h.upstream.behave(RecordingUpstream.Behaviour.ok());
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(12));
        assertTrue(a.ended(), "answered well before the route's 20 s");
        assertEquals("200", a.status());
        assertEquals("4", String.valueOf(a.headers().get("grpc-status")));
        assertEquals("upstream_timeout", String.valueOf(a.headers().get("grpc-message")));
        JsonNode line = audit.await(l -> "/slow.Svc/Wait".equals(l.path("path").asText()));
        assertEquals("upstream_timeout", line.path("reason").asText());
        assertEquals(4, line.path("grpc_status").asInt());
        assertEquals(200, line.path("status").asInt());
    }

    @Test
    void theServiceStatusAndMessageAreRelayed() throws Exception {
        Status status;
        try (GrpcClient c = new GrpcClient(h.port(), admin())) {
            status = c.unaryStatus(GrpcEcho.FAIL, "x", Duration.ofSeconds(10));
        }
        assertEquals(GrpcEcho.FAIL_STATUS, status.getCode(), status.toString());
        assertEquals(GrpcEcho.FAIL_MESSAGE, status.getDescription());
        assertEquals("carol", echo.received.poll(5, TimeUnit.SECONDS).header("x-auth-subject"));
        JsonNode line = audit.await(l -> "/echo.Echo/Fail".equals(l.path("path").asText())
                && "allowed".equals(l.path("reason").asText()));
        assertFalse(line.has("grpc_status"));
    }
}
