package dev.portcullis.h2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.it.AuditCapture;
import dev.portcullis.it.Harness;
import dev.portcullis.it.RawHttp;
import dev.portcullis.it.RecordingUpstream;
import io.grpc.MethodDescriptor;
import io.grpc.MethodDescriptor.MethodType;
import io.grpc.Status;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A gRPC client refused by the proxy sees a gRPC status, not an HTTP error it can only report as
 * UNKNOWN or INTERNAL: the refusal is a trailers-only response (200, {@code grpc-status},
 * {@code grpc-message} with the reason code, no body), over HTTP/2 one HEADERS frame ending the
 * stream. Nothing reaches the upstream, and the audit line keeps the reason with the status sent
 * and {@code grpc_status}.
 */
class GrpcRefusalIT {
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0 }
            server: { key_wait_timeout: 2s, http2: true }
            upstream_defaults: { connect_timeout: 1s, response_timeout: 1s }
            issuers:
              - id: mock
                issuer: %ISSUER%
                audiences: [api://portcullis]
                clock_skew: 5s
                max_token_lifetime: 1h
            routes:
              - id: echo
                match: { path: /echo.Echo/** }
                upstream: %UPSTREAM%
                allow: [ { groups_any: [echo-users] } ]
            """;
    private static Harness h;
    private static AuditCapture audit;

    @BeforeAll
    static void start() throws Exception {
        audit = new AuditCapture();
        h = new Harness().start(CONFIG);
    }

    @AfterAll
    static void stop() throws Exception {
        audit.close();
        h.close();
    }

    @BeforeEach
    void clear() {
        h.upstream.clear();
    }

    private static String token(String kind) {
        return switch (kind) {
            case "none" -> null;
            case "garbage" -> "not-a-jwt";
            case "member" -> h.token("alice", List.of("echo-users"));
            default -> h.token("bob", List.of("others"));
        };
    }

    @ParameterizedTest(name = "{0} with {1} token -> {2} {3}")
    @CsvSource({
            "echo.Echo/Unary, none,     UNAUTHENTICATED,   token_missing,   16",
            "echo.Echo/Unary, garbage,  UNAUTHENTICATED,   token_malformed, 16",
            "echo.Echo/Unary, outsider, PERMISSION_DENIED, group_denied,    7",
            "other.Svc/Call,  member,   UNIMPLEMENTED,     no_route,        12",
    })
    void grpcJavaSeesTheRefusalAsItsStatus(String method, String tokenKind, Status.Code code, String reason,
            int grpcStatus) throws Exception {
        MethodDescriptor<String, String> m = MethodDescriptor.<String, String>newBuilder().setType(MethodType.UNARY)
                .setFullMethodName(method).setRequestMarshaller(GrpcEcho.TEXT).setResponseMarshaller(GrpcEcho.TEXT)
                .build();
        Status status;
        try (GrpcClient client = new GrpcClient(h.port(), token(tokenKind))) {
            status = client.unaryStatus(m, "hello", Duration.ofSeconds(10));
        }
        assertEquals(code, status.getCode(), status.toString());
        assertEquals(reason, status.getDescription());
        assertNull(h.upstream.poll(), "nothing reaches the upstream");
        JsonNode line = audit.await(l -> ("/" + method).equals(l.path("path").asText())
                && reason.equals(l.path("reason").asText()));
        assertEquals(200, line.path("status").asInt(), "the status sent: " + line);
        assertEquals(grpcStatus, line.path("grpc_status").asInt(-1), line.toString());
        assertEquals("deny", line.path("decision").asText());
    }

    @Test
    void overHttp2TheRefusalIsOneHeadersFrameEndingTheStream() throws Exception {
        try (RawH2 c = new RawH2(h.port())) {
            c.headers(1, RawH2.request("POST", "/echo.Echo/Unary", h.port(), "content-type", "application/grpc",
                    "te", "trailers"), false);
            c.data(1, new byte[] {0, 0, 0, 0, 0}, true);
            RawH2.Answer a = c.answer(1, Duration.ofSeconds(10));
            assertTrue(a.ended(), "the stream ended");
            assertEquals("200", a.status());
            assertEquals("16", String.valueOf(a.headers().get("grpc-status")));
            assertEquals("token_missing", String.valueOf(a.headers().get("grpc-message")));
            assertEquals("application/grpc", String.valueOf(a.headers().get("content-type")));
            assertNotNull(a.headers().get("www-authenticate"), "401's challenge is kept");
            List<RawH2.Event> frames = c.seen().stream().filter(e -> e.streamId() == 1).toList();
            assertEquals("headers", frames.get(0).type());
            assertTrue(frames.get(0).endStream(), "HEADERS with END_STREAM (trailers-only)");
            // The answer may come before the request's DATA is read: then RST_STREAM NO_ERROR, never CANCEL.
            assertTrue(frames.size() == 1 || frames.size() == 2 && frames.get(1).type().equals("rst")
                    && frames.get(1).code() == 0, "one frame on the stream, or one and a NO_ERROR reset: " + frames);
        }
        assertNull(h.upstream.poll());
    }

    @Test
    void aRefusalBeforeTheRequestEndedIsFollowedByAResetWithNoError() throws Exception {
        try (RawH2 c = new RawH2(h.port())) {
            c.headers(1, RawH2.request("POST", "/echo.Echo/Unary", h.port(), "content-type", "application/grpc",
                    "te", "trailers"), false); // its DATA never comes

            RawH2.Answer a = c.answer(1, Duration.ofSeconds(10));
            java.util.function.Predicate<RawH2.Event> isReset = e -> e.streamId() == 1 && e.type().equals("rst");
            RawH2.Event reset = c.seen().stream().anyMatch(isReset) // it may have come with the answer
                    ? c.seen().stream().filter(isReset).findFirst().get()
                    : c.readUntil(isReset, Duration.ofSeconds(10));

            assertEquals("200", a.status());
            assertEquals("16", String.valueOf(a.headers().get("grpc-status")));
            assertNotNull(reset, "the client is asked to stop sending: " + c.seen());
            assertEquals(0, reset.code(), "NO_ERROR (RFC 9113 8.1): the answer was whole, not cancelled");
            List<RawH2.Event> frames = c.seen().stream().filter(e -> e.streamId() == 1).toList();
            assertEquals(List.of("headers", "rst"), frames.stream().map(RawH2.Event::type).toList(), frames.toString());
            assertTrue(frames.get(0).endStream());
        }
        assertNull(h.upstream.poll());
    }

    @ParameterizedTest(name = "HTTP/1.1 content-type {0}")
    @ValueSource(strings = {"application/grpc", "application/grpc+proto", "Application/GRPC", "application/grpc+json"})
    void overHttp11AGrpcRequestIsAnsweredTheSameWay(String contentType) throws Exception {
        RawHttp.Response r;
        try (RawHttp c = h.raw()) {
            r = c.exchange("POST /echo.Echo/Unary HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                    + "\r\nTE: trailers\r\nContent-Length: 5\r\n\r\n\0\0\0\0\0");
        }
        assertEquals(200, r.status());
        assertEquals("16", r.header("grpc-status"));
        assertEquals("token_missing", r.header("grpc-message"));
        assertEquals("application/grpc", r.header("content-type"));
        assertEquals("0", r.header("content-length"));
        assertEquals(0, r.body().length, "no body");
        assertTrue(r.header("www-authenticate").startsWith("Bearer"), r.header("www-authenticate"));
        assertNull(h.upstream.poll());
    }

    /** gRPC-Web and everything else keep the JSON refusals: a gRPC-Web client reads its status elsewhere. */
    @ParameterizedTest(name = "HTTP/1.1 content-type {0}")
    @ValueSource(strings = {"application/grpc-web", "application/grpc-web+proto", "application/json", "application/grpcx"})
    void otherContentTypesKeepTheJsonRefusal(String contentType) throws Exception {
        RawHttp.Response r;
        try (RawHttp c = h.raw()) {
            r = c.exchange("POST /echo.Echo/Unary HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: " + contentType
                    + "\r\nContent-Length: 5\r\n\r\n\0\0\0\0\0");
        }
        assertEquals(401, r.status());
        assertNull(r.header("grpc-status"));
        assertTrue(r.bodyText().contains("\"reason\":\"token_missing\""), r.bodyText());
        assertFalse(audit.await(l -> "token_missing".equals(l.path("reason").asText()) && l.path("status").asInt() == 401)
                .has("grpc_status"));
    }

    /**
     * The proxy's answers after the request went upstream are shaped too: the request head is the
     * upstream's by then, so whether it was gRPC was settled when it came.
     */
    @ParameterizedTest(name = "upstream {0} -> {1} {2}")
    @CsvSource({
            "slow,   DEADLINE_EXCEEDED, upstream_timeout, 4",
            "closes, UNAVAILABLE,       upstream_error,   14",
    })
    void upstreamFailuresAreShapedToo(String behaviour, Status.Code code, String reason, int grpcStatus)
            throws Exception {
        h.upstream.behave(behaviour.equals("slow") ? new RecordingUpstream.Behaviour(200, "late", 5000, false)
                : new RecordingUpstream.Behaviour(200, "", 0, true));
        Status status;
        try (GrpcClient client = new GrpcClient(h.port(), token("member"))) {
            status = client.unaryStatus(GrpcEcho.UNARY, "hello", Duration.ofSeconds(10));
        } finally {
            h.upstream.behave(RecordingUpstream.Behaviour.ok());
        }
        assertEquals(code, status.getCode(), status.toString());
        assertEquals(reason, status.getDescription());
        assertNotNull(h.upstream.take(), "it was forwarded");
        JsonNode line = audit.await(l -> reason.equals(l.path("reason").asText()));
        assertEquals(200, line.path("status").asInt(), line.toString());
        assertEquals(grpcStatus, line.path("grpc_status").asInt(-1), line.toString());
    }

    @Test
    void anAllowedGrpcRequestIsNotShapedByTheProxy() throws Exception {
        // The recording upstream answers HTTP/1.1 200 with its own body: relayed as it is.
        try (RawHttp c = h.raw()) {
            RawHttp.Response r = c.exchange("POST /echo.Echo/Unary HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + token("member") + "\r\nContent-Type: application/grpc\r\nContent-Length: 5\r\n\r\n\0\0\0\0\0");
            assertEquals(200, r.status());
            assertNull(r.header("grpc-status"));
        }
        assertNotNull(h.upstream.take(), "the allowed request reached the upstream");
    }
}
