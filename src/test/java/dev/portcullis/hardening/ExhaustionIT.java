package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.hardening.ProxyUnderAttack.Answer;
import dev.portcullis.it.RawHttp;
import dev.portcullis.it.RecordingUpstream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * Resource limits, each set low in the YAML so that the proxy's own limit (not Netty's default,
 * not the operating system's) is what answers. Requests that break a limit never reach the
 * upstream, and the proxy keeps serving others meanwhile. Payloads stay under one socket read
 * beyond the limit, so the refusal is read before the connection closes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExhaustionIT {
    private static final int MAX_LINE = 1024;
    private static final int MAX_HEADER_SIZE = 2048;
    private static final int MAX_HEADER_COUNT = 20;
    private static final int UPLOAD_LIMIT = 1024;
    private static final long SLOW_UPSTREAM_MILLIS = 1500;

    private ProxyUnderAttack p;
    private RecordingUpstream slow;

    @BeforeAll
    void start() throws Exception {
        slow = new RecordingUpstream();
        slow.behave(new RecordingUpstream.Behaviour(200, "{\"slow\":true}", SLOW_UPSTREAM_MILLIS, false));
        p = ProxyUnderAttack.start("max_initial_line_length: " + MAX_LINE + ", max_header_size: " + MAX_HEADER_SIZE
                + ", max_header_count: " + MAX_HEADER_COUNT + ", max_body_size: 4096, header_read_timeout: 1s", "", """
                  - id: upload
                    match: { path: /upload/** }
                    upstream: %UPSTREAM%
                    public: true
                    max_body_size: %UPLOAD%
                  - id: slow
                    match: { path: /slow/** }
                    upstream: %SLOW%
                    public: true
                    max_concurrent_requests: 1
                    response_timeout: 5s
                """.replace("%UPLOAD%", String.valueOf(UPLOAD_LIMIT)).replace("%SLOW%", slow.url()));
    }

    @AfterAll
    void stop() throws Exception {
        p.close();
        slow.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        p.h.upstream.clear();
        slow.clear();
    }

    private void assertRefused(Answer a, int status, String reason) throws Exception {
        assertThat(a.status()).as("%s", a).isEqualTo(status);
        assertThat(a.reason()).isEqualTo(reason);
        assertThat(a.closed()).as("the connection is closed").isTrue();
        p.assertNothingForwardedAndStillServing();
    }

    @Test
    void requestLineJustUnderTheLimitIsServed() throws Exception {
        String target = "/public/" + "a".repeat(MAX_LINE - 100);
        Answer a = p.send(p.get(target));
        assertThat(a.status()).as("%s", a).isEqualTo(200);
        assertThat(p.forwarded().target()).isEqualTo(target);
        p.assertStillServing();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"path", "query", "method"})
    void longRequestLineIs414(String where) throws Exception {
        String filler = "a".repeat(MAX_LINE + 100);
        String request = switch (where) {
            case "path" -> p.get("/public/" + filler);
            case "query" -> p.get("/public/x?q=" + filler);
            default -> p.get("/public/x").replaceFirst("GET", filler.toUpperCase());
        };
        assertRefused(p.send(request), 414, "uri_too_long");
    }

    @Test
    void headerCountAtTheLimitIsServed() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i < MAX_HEADER_COUNT; i++) { // plus Host
            lines.add("X-H" + i + ": v");
        }
        Answer a = p.send(p.get("/public/x", lines.toArray(String[]::new)));
        assertThat(a.status()).as("%s", a).isEqualTo(200);
        p.forwarded();
        p.assertStillServing();
    }

    @ParameterizedTest(name = "{0} header fields")
    @ValueSource(ints = {MAX_HEADER_COUNT + 1, 60, 200})
    void tooManyHeadersIs431(int count) throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 1; i < count; i++) {
            lines.add(i % 2 == 0 ? "X-A: " + i : "X-H" + i + ": v");
        }
        assertRefused(p.send(p.get("/public/x", lines.toArray(String[]::new))), 431, "headers_too_large");
    }

    static Stream<Arguments> largeHeaderBlocks() {
        return Stream.of(
                Arguments.of("one large value", List.of("X-Big: " + "v".repeat(MAX_HEADER_SIZE + 10))),
                Arguments.of("several values adding up", List.of("X-A: " + "v".repeat(700), "X-B: " + "v".repeat(700),
                        "X-C: " + "v".repeat(700))),
                Arguments.of("a large cookie", List.of("Cookie: s=" + "c".repeat(MAX_HEADER_SIZE))),
                Arguments.of("a large Authorization", List.of("Authorization: Bearer " + "t".repeat(MAX_HEADER_SIZE))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("largeHeaderBlocks")
    void headerBlockTooLargeIs431(String what, List<String> lines) throws Exception {
        assertRefused(p.send(p.get("/admin/x", lines.toArray(String[]::new))), 431, "headers_too_large");
    }

    @Test
    void bodyAtTheRouteLimitIsForwarded() throws Exception {
        String body = "b".repeat(UPLOAD_LIMIT);
        Answer a = p.send("POST /upload/x HTTP/1.1\r\nHost: " + p.host() + "\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body);
        assertThat(a.status()).as("%s", a).isEqualTo(200);
        assertThat(p.forwarded().body()).hasSize(UPLOAD_LIMIT);
        p.assertStillServing();
    }

    /** A declared length over the limit is refused before any of the body is read or forwarded. */
    @ParameterizedTest(name = "POST {0} with Content-Length {1}")
    @MethodSource("declaredTooLarge")
    void declaredBodyOverTheLimitIs413(String path, long length) throws Exception {
        assertRefused(p.send("POST " + path + " HTTP/1.1\r\nHost: " + p.host() + "\r\nContent-Length: " + length
                + "\r\n\r\n"), 413, "body_too_large");
    }

    static Stream<Arguments> declaredTooLarge() {
        return Stream.of(
                Arguments.of("/upload/x", UPLOAD_LIMIT + 1L),
                Arguments.of("/upload/x", Long.MAX_VALUE),
                Arguments.of("/public/x", 4097L));
    }

    /** A chunked body has no declared length: it is counted as it streams and cut off at the limit. */
    @ParameterizedTest(name = "{0} chunks of 400 bytes")
    @ValueSource(ints = {3, 4})
    void chunkedBodyOverTheLimitIs413(int chunks) throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < chunks; i++) {
            body.append("190\r\n").append("c".repeat(400)).append("\r\n");
        }
        body.append("0\r\n\r\n");
        Answer a = p.send("POST /upload/x HTTP/1.1\r\nHost: " + p.host() + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + body);
        assertRefused(a, 413, "body_too_large");
    }

    /**
     * Slowloris: the head trickles in, a byte at a time, never finishing. The connection is never
     * idle, so only the head timeout (1 s) can end it; another client is served meanwhile.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"first request", "second request on a kept-alive connection"})
    void slowHeadIsAnswered408AndClosedWhileOthersAreServed(String when) throws Exception {
        try (RawHttp c = p.connect()) {
            if (when.startsWith("second")) {
                c.send(p.get("/public/first"));
                assertThat(Answer.read(c).status()).isEqualTo(200);
                assertThat(p.forwarded().target()).isEqualTo("/public/first");
            }
            long t0 = System.nanoTime();
            c.send("GET /admin/x HTTP/1.1\r\nHost: " + p.host() + "\r\nX-Slow: ");
            AtomicLong answeredAt = new AtomicLong(); // when the answer arrived, not when the loop below ends
            CompletableFuture<Answer> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    Answer read = Answer.read(c);
                    answeredAt.set(System.nanoTime());
                    return read;
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            for (int i = 0; i < 12 && !answer.isDone(); i++) {
                Thread.sleep(150);
                try {
                    c.send("z");
                } catch (IOException closed) {
                    break;
                }
                if (i == 2) {
                    p.assertStillServing(); // another client, while this one trickles
                }
            }
            Answer a = answer.get(5, TimeUnit.SECONDS);
            long millis = TimeUnit.NANOSECONDS.toMillis(answeredAt.get() - t0);

            assertThat(a.status()).as("%s", a).isEqualTo(408);
            assertThat(a.reason()).isEqualTo("header_timeout");
            assertThat(a.closed()).isTrue();
            assertThat(millis).as("answered at header_read_timeout (1 s)").isBetween(800L, 2500L);
        }
        p.assertNothingForwardedAndStillServing();
    }

    @Test
    void routeAtItsConcurrencyLimitAnswers503WithoutQueueing() throws Exception {
        try (RawHttp first = p.connect()) {
            first.send(p.get("/slow/first"));
            RecordingUpstream.Received r = slow.take();
            assertThat(r).as("the first request is in flight").isNotNull();

            long t0 = System.nanoTime();
            Answer busy = p.send(p.get("/slow/second"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertThat(busy.status()).as("%s", busy).isEqualTo(503);
            assertThat(busy.reason()).isEqualTo("upstream_busy");
            assertThat(millis).as("refused at once, not queued behind the slow one").isLessThan(SLOW_UPSTREAM_MILLIS);
            p.assertStillServing(); // other routes are not affected

            assertThat(Answer.read(first).status()).as("the first one completes").isEqualTo(200);
        }
        assertThat(slow.poll()).as("the refused request never reached the slow upstream").isNull();

        Answer third = p.send(p.get("/slow/third"));
        assertThat(third.status()).as("the slot is free again: %s", third).isEqualTo(200);
        assertThat(slow.take().target()).isEqualTo("/slow/third");
    }

    /**
     * {@code max_connections: 5}: a sixth client connection is closed on accept, without an
     * answer; once one closes, new connections are served again.
     */
    @Test
    void connectionsBeyondMaxConnectionsAreClosedOnAccept() throws Exception {
        try (ProxyUnderAttack limited = ProxyUnderAttack.start("max_connections: 5", "", "")) {
            List<RawHttp> held = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    RawHttp c = limited.connect();
                    held.add(c);
                    c.send(limited.get("/admin/held"));
                    assertThat(Answer.read(c).status()).as("connection %d is served", i + 1).isEqualTo(401);
                }
                try (RawHttp sixth = limited.connect()) {
                    try {
                        sixth.send(limited.get("/public/sixth"));
                    } catch (IOException reset) {
                        // closed before the request could be written: just as refused
                    }
                    assertThat(sixth.closedByPeer()).as("the sixth connection is closed").isTrue();
                }
                assertThat(limited.h.upstream.poll()).isNull();

                held.remove(0).close();
                awaitServed(limited);
            } finally {
                for (RawHttp c : held) {
                    c.close();
                }
            }
            // The proxy learns of those closes (and the probe's) a moment after the client does:
            // wait until it counts no client connection, or the next one may still be a sixth.
            String none = "portcullis_client_connections 0";
            assertThat(limited.h.metricsOnce(none)).as("all client connections seen closed within 5 s").contains(none);
            limited.assertStillServing();
        }
    }

    /** Retries a request that is never forwarded until a new connection is served (bounded). */
    private static void awaitServed(ProxyUnderAttack proxy) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (true) {
            Answer a = proxy.send(proxy.get("/admin/probe", "Connection: close"));
            if (a.status() == 401) {
                return;
            }
            assertThat(System.nanoTime()).as("a new connection is served within 5 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    @Test
    void requestsDoNotLeakIntoEachOtherUnderLoad() throws Exception {
        // Twenty clients at once, half without a token: each is judged on its own.
        List<RawHttp> clients = new ArrayList<>();
        String token = "Authorization: Bearer " + p.adminToken();
        try {
            for (int i = 0; i < 20; i++) {
                RawHttp c = p.connect();
                clients.add(c);
                c.send(i % 2 == 0 ? p.get("/admin/" + i, token) : p.get("/admin/" + i));
            }
            for (int i = 0; i < 20; i++) {
                assertThat(Answer.read(clients.get(i)).status()).as("client %d", i).isEqualTo(i % 2 == 0 ? 200 : 401);
            }
        } finally {
            for (RawHttp c : clients) {
                c.close();
            }
        }
        List<String> targets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            targets.add(p.forwarded().target());
        }
        assertThat(targets).allMatch(t -> Integer.parseInt(t.substring("/admin/".length())) % 2 == 0);
        p.assertNothingForwardedAndStillServing();
    }
}
