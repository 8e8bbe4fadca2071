package dev.portcullis.h2;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.it.AuditCapture;
import dev.portcullis.it.Harness;
import dev.portcullis.it.RawHttp;
import dev.portcullis.it.RecordingUpstream;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Headers;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Malformed HTTP/2 request heads (RFC 9113 8.2, 8.3), each sent on a stream of its own with a valid
 * token for the route it names: refused, either by the gate (400 {@code bad_request}, JSON, an audit
 * line) or, where Netty's HPACK validation refuses first, by RST_STREAM PROTOCOL_ERROR. Which of the
 * two is asserted exactly per row. The upstream receives nothing, and the connection goes on serving.
 * Paths with dot segments get over h2 the answer they get over HTTP/1.1.
 */
class Http2MalformedIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final String GATE = "400 bad_request";
    private static final String NETTY = "RST_STREAM PROTOCOL_ERROR";
    static Harness h;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness().start(H2Gate.config());
        token = h.token("ada@example.com", List.of("orders-admins"));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @BeforeEach
    void forget() {
        h.upstream.clear();
    }

    /** A head from name, value pairs exactly as given (order, case and repeats kept), with a valid token. */
    private static Http2Headers head(String... pairs) {
        Http2Headers out = new DefaultHttp2Headers(false);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            out.add(pairs[i], pairs[i + 1].replace("%PORT%", String.valueOf(h.port())));
        }
        return out.add("authorization", "Bearer " + token);
    }

    private static final String[] GET = {":method", "GET", ":scheme", "http", ":authority", "127.0.0.1:%PORT%",
            ":path", "/orders/1"};

    private static String[] get(String... extra) {
        String[] out = java.util.Arrays.copyOf(GET, GET.length + extra.length);
        System.arraycopy(extra, 0, out, GET.length, extra.length);
        return out;
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("upper-case name", get("X-Auth-Subject", "root"), NETTY),
                Arguments.of("upper-case ordinary name", get("Accept", "*/*"), NETTY),
                Arguments.of(":authority and host disagree", get("host", "internal.example.com"), GATE),
                Arguments.of("two hosts", get("host", "127.0.0.1:%PORT%", "host", "internal.example.com"), GATE),
                Arguments.of("connection", get("connection", "close"), NETTY),
                Arguments.of("keep-alive", get("keep-alive", "timeout=5"), NETTY),
                Arguments.of("proxy-connection", get("proxy-connection", "keep-alive"), NETTY),
                Arguments.of("transfer-encoding", get("transfer-encoding", "chunked"), NETTY),
                Arguments.of("upgrade", get("upgrade", "websocket"), NETTY),
                Arguments.of("te: gzip", get("te", "gzip"), NETTY),
                Arguments.of("unknown pseudo-header", get(":foo", "bar"), NETTY),
                Arguments.of("response pseudo-header", get(":status", "200"), NETTY),
                Arguments.of("duplicate :path", get(":path", "/public/x"), NETTY),
                Arguments.of("pseudo-header after a regular one",
                        new String[] {"accept", "*/*", ":method", "GET", ":scheme", "http", ":authority",
                                "127.0.0.1:%PORT%", ":path", "/orders/1"}, NETTY),
                Arguments.of("no :path", new String[] {":method", "GET", ":scheme", "http", ":authority",
                        "127.0.0.1:%PORT%"}, GATE),
                Arguments.of("no :method", new String[] {":scheme", "http", ":authority", "127.0.0.1:%PORT%",
                        ":path", "/orders/1"}, GATE),
                Arguments.of("no :scheme", new String[] {":method", "GET", ":authority", "127.0.0.1:%PORT%",
                        ":path", "/orders/1"}, GATE),
                Arguments.of(":scheme ftp", new String[] {":method", "GET", ":scheme", "ftp", ":authority",
                        "127.0.0.1:%PORT%", ":path", "/orders/1"}, GATE),
                Arguments.of("neither :authority nor host", new String[] {":method", "GET", ":scheme", "http",
                        ":path", "/orders/1"}, GATE),
                Arguments.of(":path absolute-form", new String[] {":method", "GET", ":scheme", "http", ":authority",
                        "127.0.0.1:%PORT%", ":path", "http://internal.example.com/orders/1"}, GATE),
                Arguments.of(":path * with GET", new String[] {":method", "GET", ":scheme", "http", ":authority",
                        "127.0.0.1:%PORT%", ":path", "*"}, GATE),
                Arguments.of("CONNECT", new String[] {":method", "CONNECT", ":authority", "127.0.0.1:22"}, GATE),
                Arguments.of("CR LF in a value", get("x-note", "a\r\nx-auth-subject: root"), NETTY),
                Arguments.of("NUL in a value", get("x-note", "a\0b"), NETTY),
                Arguments.of("CR LF in :path", new String[] {":method", "GET", ":scheme", "http", ":authority",
                        "127.0.0.1:%PORT%", ":path", "/public/x\r\nx-auth-subject: root"}, NETTY));
    }

    @ParameterizedTest(name = "{0} → {2}")
    @MethodSource("malformed")
    void malformedHeadIsRefusedAndNothingReachesTheUpstream(String what, String[] pairs, String expected)
            throws Exception {
        try (AuditCapture audit = new AuditCapture(); RawH2 c = new RawH2(h.port())) {
            if (pairs[0].startsWith(":")) {
                c.headers(1, head(pairs), true);
            } else {
                // Netty's header map puts pseudo-headers first whatever the order they were added in: a regular
                // field line first goes as an HPACK block of its own, the rest right after it in the same frame
                byte[] first = c.hpack(1, new DefaultHttp2Headers(false).add(pairs[0], pairs[1]));
                byte[] rest = c.hpack(1, head(java.util.Arrays.copyOfRange(pairs, 2, pairs.length)));
                byte[] block = java.util.Arrays.copyOf(first, first.length + rest.length);
                System.arraycopy(rest, 0, block, first.length, rest.length);
                c.frame((byte) 0x1, 1, 0x1 | 0x4, block);
            }
            RawH2.Answer a = c.answer(1, WAIT);
            if (expected.equals(GATE)) {
                assertThat(a.status()).as("%s: %s", what, a).isEqualTo("400");
                assertThat(a.body()).contains("bad_request");
                assertThat(a.headers().get("content-type").toString()).startsWith("application/json");
                JsonNode line = audit.await(n -> "bad_request".equals(n.path("reason").asText()));
                assertThat(line.path("status").asInt()).isEqualTo(400);
                assertThat(line.path("decision").asText()).isEqualTo("deny");
            } else {
                assertThat(a.status()).as("%s: Netty resets before any head is answered: %s", what, a).isNull();
                assertThat(a.resetCode()).isEqualTo(Http2Error.PROTOCOL_ERROR.code());
                JsonNode line = audit.await(n -> "bad_request".equals(n.path("reason").asText()));
                assertThat(line.path("path").asText()).as("recorded without a request").isEqualTo("-");
                assertThat(line.path("status").asInt()).isEqualTo(400);
            }
            // a stream error, not a connection error: the next stream is served
            c.headers(3, RawH2.request("GET", "/public/after", h.port()), true);
            assertThat(c.answer(3, WAIT).status()).isEqualTo("200");
        }
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.target()).as("only the well-formed stream reached the upstream").isEqualTo("/public/after");
        assertThat(h.upstream.poll()).isNull();
    }

    /** A path's answer and what the upstream received, over either protocol. */
    private record View(String status, String target) {
    }

    private static View overHttp11(String path) throws Exception {
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + h.port()
                    + "\r\nAuthorization: Bearer " + token + "\r\n\r\n");
            RecordingUpstream.Received r = h.upstream.poll();
            return new View(res.status() + " " + reason(res.bodyText()), r == null ? null : r.requestLine());
        }
    }

    private static View overHttp2(String path) throws Exception {
        try (RawH2 c = new RawH2(h.port())) {
            c.headers(1, RawH2.request("GET", path, h.port(), "authorization", "Bearer " + token), true);
            RawH2.Answer a = c.answer(1, WAIT);
            RecordingUpstream.Received r = h.upstream.poll();
            return new View(a.status() + " " + reason(a.body()), r == null ? null : r.requestLine());
        }
    }

    private static String reason(String body) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"reason\":\"([a-z_]+)\"").matcher(body);
        return m.find() ? m.group(1) : "-";
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/public/../orders/1", "/public/./x", "/orders/./1", "/public/%2e%2e/orders/1",
            "/public/.%2E/orders/1", "//orders//1", "/orders/x/../1", "/../orders/1", "/public/..%2forders/1",
            "/public/%2e%2e/%2e%2e/orders", "/orders/1?next=/../../public", "/public/..;/orders/1"})
    void pathWithDotSegmentsGetsTheHttp11Answer(String path) throws Exception {
        View one = overHttp11(path);
        View two = overHttp2(path);
        assertThat(one.status()).as("HTTP/1.1 answered %s", path).doesNotStartWith("null");
        assertThat(two).as("h2 vs HTTP/1.1 for %s", path).isEqualTo(one);
    }
}
