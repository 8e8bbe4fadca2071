package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.hardening.ProxyUnderAttack.Answer;
import dev.portcullis.it.RawHttp;
import dev.portcullis.it.RecordingUpstream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Request smuggling: messages whose framing two HTTP parsers could read differently. Every
 * payload targets a public route and carries a hidden {@code GET /admin/secret} where its
 * framing would put one; a malformed message is refused with 400 and the connection closed
 * (nothing after it on that connection is read), and the hidden request never reaches the
 * upstream. Valid but unusual framing is accepted only when the proxy re-frames it itself.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmugglingIT {
    /** What a desynchronized upstream would read as a second request. */
    private static final String HIDDEN = "GET /admin/secret HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String CHUNKED_HELLO = "5\r\nhello\r\n0\r\n\r\n";

    private ProxyUnderAttack p;

    @BeforeAll
    void start() throws Exception {
        p = ProxyUnderAttack.start("", "", """
                  - id: vault
                    match: { path: /vault/** }
                    upstream: %UPSTREAM%
                    deny: [ { methods: [DELETE], groups_any: [admins] } ]
                    allow: [ { groups_any: [admins] } ]
                """);
    }

    @AfterAll
    void stop() throws Exception {
        p.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        p.h.upstream.clear();
    }

    private String post(String headerLines, String body) {
        return "POST /public/x HTTP/1.1\r\nHost: " + p.host() + "\r\n" + headerLines + "\r\n" + body;
    }

    /** (name, header lines each ending in CRLF, body). {@code %N} in headers is the body length. */
    static Stream<Arguments> malformedFraming() {
        String clte = "0\r\n\r\n" + HIDDEN;
        return Stream.of(
                Arguments.of("CL.TE", "Content-Length: %N\r\nTransfer-Encoding: chunked\r\n", clte),
                Arguments.of("TE.CL", "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n",
                        Integer.toHexString(HIDDEN.length()) + "\r\n" + HIDDEN + "\r\n0\r\n\r\n"),
                Arguments.of("two Content-Lengths", "Content-Length: 5\r\nContent-Length: 44\r\n", "hello" + HIDDEN),
                Arguments.of("same Content-Length twice", "Content-Length: 5\r\nContent-Length: 5\r\n", "hello"),
                Arguments.of("Content-Length list", "Content-Length: 5, 44\r\n", "hello" + HIDDEN),
                Arguments.of("Content-Length list of equal values", "Content-Length: 5, 5\r\n", "hello"),
                Arguments.of("Content-Length +5", "Content-Length: +5\r\n", "hello"),
                Arguments.of("Content-Length -1", "Content-Length: -1\r\n", "hello"),
                Arguments.of("Content-Length 0x5", "Content-Length: 0x5\r\n", "hello"),
                Arguments.of("Content-Length 5 5", "Content-Length: 5 5\r\n", "hello"),
                Arguments.of("Content-Length empty", "Content-Length:\r\n", "hello"),
                Arguments.of("Content-Length overflow", "Content-Length: 99999999999999999999\r\n", "hello"),
                Arguments.of("TE chunked, identity", "Transfer-Encoding: chunked, identity\r\n", CHUNKED_HELLO + HIDDEN),
                Arguments.of("TE identity", "Transfer-Encoding: identity\r\n", CHUNKED_HELLO + HIDDEN),
                Arguments.of("TE xchunked", "Transfer-Encoding: xchunked\r\n", CHUNKED_HELLO + HIDDEN),
                Arguments.of("TE chunkedx", "Transfer-Encoding: chunkedx\r\n", CHUNKED_HELLO + HIDDEN),
                Arguments.of("TE quoted", "Transfer-Encoding: \"chunked\"\r\n", CHUNKED_HELLO + HIDDEN),
                Arguments.of("TE chunked twice", "Transfer-Encoding: chunked, chunked\r\n", CHUNKED_HELLO),
                Arguments.of("two TE headers", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
                        CHUNKED_HELLO),
                Arguments.of("space before colon", "Transfer-Encoding : chunked\r\n", CHUNKED_HELLO + HIDDEN),
                Arguments.of("tab before colon", "Transfer-Encoding\t: chunked\r\n", CHUNKED_HELLO + HIDDEN),
                Arguments.of("vertical tab before value", "Transfer-Encoding: \u000bchunked\r\n",
                        CHUNKED_HELLO + HIDDEN),
                Arguments.of("form feed before value", "Transfer-Encoding:\u000cchunked\r\n", CHUNKED_HELLO + HIDDEN),
                Arguments.of("obs-fold hiding TE", "X-Note: a\r\n Transfer-Encoding: chunked\r\n",
                        CHUNKED_HELLO + HIDDEN),
                Arguments.of("obs-fold with tab", "X-Note: a\r\n\tcontinued\r\n", ""),
                Arguments.of("obs-fold of a value", "Content-Length:\r\n 5\r\n", "hello"),
                Arguments.of("chunk size zz", "Transfer-Encoding: chunked\r\n", "zz\r\nhello\r\n0\r\n\r\n" + HIDDEN),
                Arguments.of("chunk size overflow", "Transfer-Encoding: chunked\r\n",
                        "ffffffffffffffffff\r\nhello\r\n0\r\n\r\n" + HIDDEN),
                Arguments.of("chunk size wraps to 5", "Transfer-Encoding: chunked\r\n",
                        "10000000000000005\r\nhello\r\n0\r\n\r\n" + HIDDEN),
                Arguments.of("negative chunk size", "Transfer-Encoding: chunked\r\n", "-5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("chunk size 0x5", "Transfer-Encoding: chunked\r\n", "0x5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("space after chunk size", "Transfer-Encoding: chunked\r\n", "5 \r\nhello\r\n0\r\n\r\n"),
                Arguments.of("chunk longer than its size", "Transfer-Encoding: chunked\r\n",
                        "5\r\nhelloXX\r\n0\r\n\r\n" + HIDDEN),
                Arguments.of("bare LF in chunk extension", "Transfer-Encoding: chunked\r\n",
                        "5;a\nb\r\nhello\r\n0\r\n\r\n" + HIDDEN),
                Arguments.of("bare LF chunk lines", "Transfer-Encoding: chunked\r\n",
                        "5\nhello\n0\n\n" + HIDDEN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedFraming")
    void malformedFramingIsRefusedAndTheConnectionClosed(String what, String headers, String body)
            throws Exception {
        Answer a = p.send(post(headers.replace("%N", String.valueOf(body.length())), body));

        assertThat(a.status()).as("%s", a).isEqualTo(400);
        assertThat(a.reason()).isEqualTo("bad_request");
        assertThat(a.closed()).as("nothing after a malformed message is read").isTrue();
        p.assertNothingForwardedAndStillServing();
    }

    /** (name, the whole message). */
    static Stream<Arguments> malformedHeads() {
        return Stream.of(
                Arguments.of("bare LF line ends", "GET /public/x HTTP/1.1\nHost: %HOST%\n\n"),
                Arguments.of("one bare LF", "GET /public/x HTTP/1.1\r\nHost: %HOST%\nX-Note: a\r\n\r\n"),
                Arguments.of("bare LF inside a value", "GET /public/x HTTP/1.1\r\nHost: %HOST%\r\nX-Note: a\nb\r\n\r\n"),
                Arguments.of("bare CR inside a value", "GET /public/x HTTP/1.1\r\nHost: %HOST%\r\nX-Note: a\rb\r\n\r\n"),
                Arguments.of("NUL in a value", "GET /public/x HTTP/1.1\r\nHost: %HOST%\r\nX-Note: a\u0000b\r\n\r\n"),
                Arguments.of("SOH in a value", "GET /public/x HTTP/1.1\r\nHost: %HOST%\r\nX-Note: a\u0001b\r\n\r\n"),
                Arguments.of("DEL in a value", "GET /public/x HTTP/1.1\r\nHost: %HOST%\r\nX-Note: a\u007fb\r\n\r\n"),
                Arguments.of("ESC in a value", "GET /public/x HTTP/1.1\r\nHost: %HOST%\r\nX-Note: a\u001bb\r\n\r\n"),
                Arguments.of("header without colon", "GET /public/x HTTP/1.1\r\nHost: %HOST%\r\nX-Note\r\n\r\n"),
                Arguments.of("empty header name", "GET /public/x HTTP/1.1\r\nHost: %HOST%\r\n: empty\r\n\r\n"),
                Arguments.of("space in header name", "GET /public/x HTTP/1.1\r\nHost: %HOST%\r\nX Note: a\r\n\r\n"),
                Arguments.of("HTTP/0.9 request line", "GET /\r\n\r\n"),
                Arguments.of("request line without version", "GET /public/x\r\nHost: %HOST%\r\n\r\n"),
                Arguments.of("extra word in request line", "GET / HTTP/1.1 extra\r\nHost: %HOST%\r\n\r\n"),
                Arguments.of("HTTP/2.0 over HTTP/1", "GET / HTTP/2.0\r\nHost: %HOST%\r\n\r\n"),
                Arguments.of("h2 preface", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"),
                Arguments.of("garbage version", "GET /public/x HTTP/1.1x\r\nHost: %HOST%\r\n\r\n"),
                Arguments.of("NUL in the method", "G\u0000T /public/x HTTP/1.1\r\nHost: %HOST%\r\n\r\n"),
                Arguments.of("CONNECT", "CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: %HOST%\r\n\r\n"),
                Arguments.of("two Host headers", "GET /public/x HTTP/1.1\r\nHost: %HOST%\r\nHost: %HOST%\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedHeads")
    void malformedHeadIsRefusedAndTheConnectionClosed(String what, String message) throws Exception {
        Answer a = p.send(message.replace("%HOST%", p.host()) + HIDDEN);

        assertThat(a.status()).as("%s", a).isEqualTo(400);
        assertThat(a.closed()).as("nothing after a malformed message is read").isTrue();
        p.assertNothingForwardedAndStillServing();
    }

    /**
     * Legal spellings of chunked (RFC 9110 §5.6.3 OWS includes tab; codings are case-insensitive):
     * accepted, because the upstream never sees them; it gets the proxy's own
     * {@code Transfer-Encoding: chunked} and nothing else describing the body.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Transfer-Encoding:\tchunked", "Transfer-Encoding: Chunked", "transfer-encoding: CHUNKED",
            "Transfer-Encoding: chunked\t", "Transfer-Encoding:chunked"})
    void legalSpellingsOfChunkedAreReframedByTheProxy(String te) throws Exception {
        try (RawHttp c = p.connect()) {
            c.send(post(te + "\r\n", CHUNKED_HELLO) + HIDDEN);
            Answer first = Answer.read(c);
            Answer second = Answer.read(c);

            assertThat(first.status()).as("%s", first).isEqualTo(200);
            assertThat(second.status()).as("what followed the body is a request of its own, judged: %s", second)
                    .isEqualTo(401);
        }
        RecordingUpstream.Received r = p.forwarded();
        assertThat(r.requestLine()).isEqualTo("POST /public/x HTTP/1.1");
        assertThat(r.all("Transfer-Encoding")).containsExactly("chunked");
        assertThat(r.all("Content-Length")).isEmpty();
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo("hello");
        p.assertStillServing();
    }

    /**
     * A transfer coding the proxy does not apply must not be dropped on the way: the upstream
     * would read gzip bytes as the plain body. RFC 9112 §6.1: refuse it (501) or pass it on.
     */
    @Test
    void transferCodingTheProxyDoesNotDecodeIsNotSilentlyDropped() throws Exception {
        Answer a = p.send(post("Transfer-Encoding: gzip, chunked\r\n", CHUNKED_HELLO));

        if (a.status() == 200) {
            RecordingUpstream.Received r = p.forwarded();
            assertThat(String.join(", ", r.all("Transfer-Encoding")).replace(" ", ""))
                    .as("the upstream is told the body is gzip-coded").isEqualTo("gzip,chunked");
        } else {
            assertThat(a.status()).as("%s", a).isIn(400, 501);
        }
        p.assertStillServing();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Content-Length", "chunked"})
    void requestHiddenInABodyIsOnlyEverABody(String framing) throws Exception {
        String body = framing.equals("chunked")
                ? Integer.toHexString(HIDDEN.length()) + "\r\n" + HIDDEN + "\r\n0\r\n\r\n"
                : HIDDEN;
        String head = framing.equals("chunked") ? "Transfer-Encoding: chunked\r\n"
                : "Content-Length: " + HIDDEN.length() + "\r\n";
        try (RawHttp c = p.connect()) {
            c.send(post(head, body));
            Answer first = Answer.read(c);
            assertThat(first.status()).as("%s", first).isEqualTo(200);

            c.send(p.get("/admin/after"));
            Answer next = Answer.read(c);
            assertThat(next.status()).as("the connection is in step: the next request is judged: %s", next)
                    .isEqualTo(401);
        }
        RecordingUpstream.Received r = p.forwarded();
        assertThat(r.requestLine()).isEqualTo("POST /public/x HTTP/1.1");
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).isEqualTo(HIDDEN);
        p.assertStillServing();
    }

    /**
     * {@code Connection} lists hop-by-hop fields to drop, but never the message's framing: a
     * body forwarded without its length would be read by the upstream as the next request.
     */
    @ParameterizedTest(name = "Connection: {0}")
    @ValueSource(strings = {"Content-Length", "close, Content-Length", "Host", "Transfer-Encoding"})
    void connectionHeaderCannotStripTheFraming(String listed) throws Exception {
        boolean chunked = listed.equals("Transfer-Encoding");
        String framing = chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + HIDDEN.length() + "\r\n";
        String body = chunked ? Integer.toHexString(HIDDEN.length()) + "\r\n" + HIDDEN + "\r\n0\r\n\r\n" : HIDDEN;

        Answer a = p.send(post("Connection: " + listed + "\r\n" + framing, body));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(r.requestLine()).isEqualTo("POST /public/x HTTP/1.1");
        assertThat(new String(r.body(), StandardCharsets.US_ASCII)).as("the body arrives as a body").isEqualTo(HIDDEN);
        if (chunked) {
            assertThat(r.all("Transfer-Encoding")).containsExactly("chunked");
        } else {
            assertThat(r.all("Content-Length")).containsExactly(String.valueOf(HIDDEN.length()));
        }
        assertThat(r.all("Host")).hasSize(1);
        p.assertStillServing();
    }

    @Test
    void pipelinedRequestsAreEachJudgedOnTheirOwn() throws Exception {
        String admin = "Authorization: Bearer " + p.adminToken();
        try (RawHttp c = p.connect()) {
            c.send(p.get("/admin/a", admin) + p.get("/admin/b") + p.get("/public/c") + p.get("/admin/d", admin));

            assertThat(Answer.read(c).status()).as("with token").isEqualTo(200);
            Answer second = Answer.read(c);
            assertThat(second.status()).as("no token, same connection: %s", second).isEqualTo(401);
            assertThat(second.reason()).isEqualTo("token_missing");
            assertThat(Answer.read(c).status()).as("public").isEqualTo(200);
            assertThat(Answer.read(c).status()).as("with token again").isEqualTo(200);
        }
        RecordingUpstream.Received a = p.forwarded();
        assertThat(a.requestLine()).isEqualTo("GET /admin/a HTTP/1.1");
        assertThat(a.header("X-Auth-Subject")).isEqualTo("alice");
        RecordingUpstream.Received c = p.forwarded();
        assertThat(c.requestLine()).as("/admin/b never reached the upstream").isEqualTo("GET /public/c HTTP/1.1");
        assertThat(c.all("X-Auth-Subject")).as("no identity carried over from the request before").isEmpty();
        assertThat(p.forwarded().requestLine()).isEqualTo("GET /admin/d HTTP/1.1");
        p.assertStillServing();
    }

    /**
     * Methods are case-sensitive (RFC 9110 §9.1), but Django, Flask and others upper-case them.
     * A deny rule on {@code DELETE} must not be walked around with {@code delete}: such a request
     * is refused, not forwarded.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"delete", "Delete", "dElEtE"})
    void methodInAnotherCaseCannotWalkAroundAMethodRule(String method) throws Exception {
        String auth = "Authorization: Bearer " + p.adminToken();
        Answer upper = p.send(p.get("/vault/x", auth).replaceFirst("GET", "DELETE"));
        assertThat(upper.status()).as("the rule itself: %s", upper).isEqualTo(403);

        Answer a = p.send(p.get("/vault/x", auth).replaceFirst("GET", method));

        assertThat(a.status()).as("%s", a).isIn(400, 403, 405, 501);
        p.assertNothingForwardedAndStillServing();
    }
}
