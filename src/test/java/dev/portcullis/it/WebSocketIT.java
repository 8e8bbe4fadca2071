package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portcullis.membership.DirectoryEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * WebSocket (RFC 6455) through the gate, over real sockets: the JDK's {@code java.net.http.WebSocket}
 * client, the real proxy, a Netty WebSocket echo service as the upstream, tokens from
 * {@code mock-oauth2-server}. What the upstream received is asserted, not only what the client saw.
 */
class WebSocketIT {
    static final String ADMIN_TOKEN = "s3cret-admin-token-0123456789abcdef";
    static Harness h;
    static WebSocketEchoUpstream ws;
    static java.nio.file.Path tokenFile;
    private AuditCapture audit;

    @BeforeAll
    static void start() throws Exception {
        ws = new WebSocketEchoUpstream();
        tokenFile = java.nio.file.Files.createTempFile("admin-token", "");
        java.nio.file.Files.writeString(tokenFile, ADMIN_TOKEN + "\n");
        h = new Harness().start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, token_file: %TOKEN_FILE% }
                server: { key_wait_timeout: 2s }
                upstream_defaults: { connect_timeout: 1s, response_timeout: 2s }
                issuers:
                  - id: mock
                    issuer: %ISSUER%
                    audiences: [api://portcullis]
                    clock_skew: 5s
                    max_token_lifetime: 1h
                routes:
                  - id: chat
                    match: { path: /chat/** }
                    upstream: %WS%
                    websocket: { enabled: true }
                    allow: [ { groups_any: [chat] } ]
                  - id: quiet
                    match: { path: /quiet/** }
                    upstream: %WS%
                    websocket: { enabled: true, idle_timeout: 1s }
                    allow: [ { groups_any: [chat] } ]
                  - id: brief
                    match: { path: /brief/** }
                    upstream: %WS%
                    websocket: { enabled: true, max_lifetime: 2s }
                    allow: [ { groups_any: [chat] } ]
                  - id: plain
                    match: { path: /plain/** }
                    upstream: %WS%
                    allow: [ { groups_any: [chat] } ]
                """.replace("%WS%", ws.url()).replace("%TOKEN_FILE%", tokenFile.toString()));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        ws.close();
        java.nio.file.Files.deleteIfExists(tokenFile);
    }

    @BeforeEach
    void capture() {
        audit = new AuditCapture();
        ws.received.clear();
    }

    @AfterEach
    void release() {
        audit.close();
    }

    /** Collects what the client's WebSocket receives: text messages, and how it closed. */
    static final class Listener implements WebSocket.Listener {
        final LinkedBlockingQueue<String> texts = new LinkedBlockingQueue<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder part = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            part.append(data);
            if (last) {
                texts.add(part.toString());
                part.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            closed.complete(-1); // the connection closed without a close frame
        }
    }

    private static CompletableFuture<WebSocket> open(String path, String token, Listener l, String... headers) {
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.buildAsync(URI.create("ws://127.0.0.1:" + h.port() + path), l);
    }

    private static String token(String sub, long seconds, Map<String, Object> claims) {
        return h.token("default", sub, Harness.AUDIENCE, claims, seconds);
    }

    @Test
    void anAllowedUpgradeEchoesAndTheUpstreamSeesTheIdentityNotTheSpoofedHeaders() throws Exception {
        Listener l = new Listener();
        WebSocket w = open("/chat/room?x=1", token("alice", 300, Map.of("groups", List.of("chat"))), l,
                "X-Auth-Subject", "mallory", "X-Auth-Groups", "admins").get(10, TimeUnit.SECONDS);
        w.sendText("hello through the gate", true).get(5, TimeUnit.SECONDS);
        assertThat(l.texts.poll(10, TimeUnit.SECONDS)).isEqualTo("hello through the gate");

        WebSocketEchoUpstream.Head got = ws.take();
        assertThat(got.uri()).isEqualTo("/chat/room?x=1");
        assertThat(got.method()).isEqualTo("GET");
        assertThat(got.header("Upgrade")).isEqualToIgnoringCase("websocket");
        assertThat(got.header("Connection")).isEqualToIgnoringCase("upgrade");
        assertThat(got.header("Sec-WebSocket-Version")).isEqualTo("13");
        assertThat(got.header("Sec-WebSocket-Key")).isNotBlank();
        assertThat(got.all("X-Auth-Subject")).containsExactly("alice");
        assertThat(got.all("X-Auth-Groups")).containsExactly("chat");
        assertThat(got.header("Authorization")).isNull();
        assertThat(got.header("X-Request-Id")).isNotBlank();

        JsonNode opened = audit.await(a -> "chat".equals(a.path("route").asText()) && !a.has("tunnel_end"));
        assertThat(opened.path("status").asInt()).isEqualTo(101);
        assertThat(opened.path("subject").asText()).isEqualTo("alice");

        w.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
        assertThat(l.closed.get(10, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
        JsonNode ended = audit.await(a -> "chat".equals(a.path("route").asText()) && a.has("tunnel_end"));
        assertThat(ended.path("tunnel_end").asText()).isIn("client_closed", "upstream_closed");
        assertThat(ended.path("tunnel_bytes_in").asLong()).isGreaterThan("hello through the gate".length());
        assertThat(ended.path("tunnel_bytes_out").asLong()).isGreaterThan("hello through the gate".length());
        assertThat(ended.path("request_id").asText()).isEqualTo(opened.path("request_id").asText());
        String m = h.metricsWhen(t -> t.contains("_closed\",route=\"chat\"}"));
        assertThat(m).containsPattern("portcullis_websocket_closed_total\\{reason=\"(client|upstream)_closed\",route=\"chat\"} [1-9]")
                .contains("portcullis_websocket_tunnels{route=\"chat\"}");
    }

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource({
        "no token, 401",
        "no group, 403",
    })
    void aRefusedUpgradeGetsTheUsualAnswerAndNeverReachesTheUpstream(String who, int status) throws Exception {
        String token = who.equals("no token") ? null : token("bob", 300, Map.of("groups", List.of("other")));
        int before = ws.connections.get();
        Throwable t = catchThrowable(() -> open("/chat/room", token, new Listener()).get(10, TimeUnit.SECONDS));
        assertThat(t).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) t.getCause()).getResponse().statusCode()).isEqualTo(status);
        assertThat(ws.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
        assertThat(ws.connections.get()).isEqualTo(before);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "version 8    | GET  | Sec-WebSocket-Version: 8\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\n",
        "no key       | GET  | Sec-WebSocket-Version: 13\\r\\n",
        "short key    | GET  | Sec-WebSocket-Version: 13\\r\\nSec-WebSocket-Key: c2hvcnQ=\\r\\n",
        "POST         | POST | Sec-WebSocket-Version: 13\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nContent-Length: 0\\r\\n",
        "a body       | GET  | Sec-WebSocket-Version: 13\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nContent-Length: 2\\r\\n",
        "no Connection| GET  | Sec-WebSocket-Version: 13\\r\\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nX-No-Connection: 1\\r\\n",
    })
    void aMalformedUpgradeIs400WithItsReason(String what, String method, String fields) throws Exception {
        String token = token("carol", 300, Map.of("groups", List.of("chat")));
        String connection = what.startsWith("no Connection") ? "" : "Connection: Upgrade\r\n";
        try (RawHttp raw = h.raw()) {
            raw.send(method + " /chat/room HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token + "\r\n"
                    + connection + "Upgrade: websocket\r\n" + fields.replace("\\r\\n", "\r\n") + "\r\n"
                    + (what.startsWith("a body") ? "hi" : ""));
            RawHttp.Response res = raw.read(false);
            assertThat(res.status()).isEqualTo(400);
            assertThat(res.bodyText()).contains("websocket_malformed");
        }
        assertThat(ws.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aRouteWithoutWebsocketStripsTheUpgradeAsBefore() throws Exception {
        Throwable t = catchThrowable(() -> open("/plain/x", token("dave", 300, Map.of("groups", List.of("chat"))),
                new Listener()).get(10, TimeUnit.SECONDS));
        assertThat(t).hasCauseInstanceOf(WebSocketHandshakeException.class);
        assertThat(((WebSocketHandshakeException) t.getCause()).getResponse().statusCode()).isEqualTo(200);
        WebSocketEchoUpstream.Head got = ws.take();
        assertThat(got.uri()).isEqualTo("/plain/x");
        assertThat(got.header("Upgrade")).isNull();
        assertThat(got.header("Connection")).isNotEqualToIgnoringCase("upgrade");
        assertThat(got.header("X-Auth-Subject")).isEqualTo("dave");
    }

    @Test
    void theTunnelClosesWith1008WhenItsTokenExpires() throws Exception {
        Listener l = new Listener();
        open("/chat/exp", token("erin", 3, Map.of("groups", List.of("chat"))), l).get(10, TimeUnit.SECONDS);
        assertThat(l.closed.get(20, TimeUnit.SECONDS)).isEqualTo(1008);
        JsonNode ended = audit.await(a -> "/chat/exp".equals(a.path("path").asText()) && a.has("tunnel_end"));
        assertThat(ended.path("tunnel_end").asText()).isEqualTo("token_expired");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"directory deactivation", "operator revocation"})
    void theTunnelClosesWith1008WhenAccessIsRevoked(String how) throws Exception {
        String sub = how.startsWith("directory") ? "frank" : "hana";
        Listener l = new Listener();
        WebSocket w = open("/chat/" + sub, token(sub, 300, Map.of("uid", "00u-" + sub, "groups", List.of("chat"))), l)
                .get(10, TimeUnit.SECONDS);
        w.sendText("still here", true);
        assertThat(l.texts.poll(10, TimeUnit.SECONDS)).isEqualTo("still here");
        Instant issued = Instant.now();
        while (Instant.now().getEpochSecond() <= issued.getEpochSecond()) {
            Thread.sleep(20); // the event must come after the token's iat, which has whole seconds
        }
        if (how.startsWith("directory")) {
            h.proxy().membershipApplier().apply(new DirectoryEvent(UUID.randomUUID().toString(),
                    DirectoryEvent.Type.USER_DEACTIVATE, Instant.now(), "00u-" + sub, sub, null, null, null));
        } else {
            var posted = h.http.send(java.net.http.HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + h.proxy().adminPort() + "/admin/revocations")).header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"sub\":\"" + sub + "\"}")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        }
        assertThat(l.closed.get(10, TimeUnit.SECONDS)).isEqualTo(1008);
        JsonNode ended = audit.await(a -> ("/chat/" + sub).equals(a.path("path").asText()) && a.has("tunnel_end"));
        assertThat(ended.path("tunnel_end").asText()).isEqualTo("revoked");
    }

    @Test
    void anIdleTunnelIsClosed() throws Exception {
        Listener l = new Listener();
        open("/quiet/x", token("gina", 300, Map.of("groups", List.of("chat"))), l).get(10, TimeUnit.SECONDS);
        l.closed.get(15, TimeUnit.SECONDS);
        JsonNode ended = audit.await(a -> "/quiet/x".equals(a.path("path").asText()) && a.has("tunnel_end"));
        assertThat(ended.path("tunnel_end").asText()).isEqualTo("idle");
    }

    @Test
    void aTunnelIsClosedAtItsMaxLifetimeEvenWhileBusy() throws Exception {
        Listener l = new Listener();
        WebSocket w = open("/brief/x", token("ivan", 300, Map.of("groups", List.of("chat"))), l)
                .get(10, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!l.closed.isDone() && System.nanoTime() < deadline) {
            try {
                w.sendText("busy", true).get(5, TimeUnit.SECONDS); // traffic keeps idle_timeout away
            } catch (ExecutionException | IllegalStateException closing) {
                break; // the tunnel is ending: the output is closed
            }
            l.texts.poll(200, TimeUnit.MILLISECONDS);
        }
        // The client sees the end as a failed send, or as a close when it was reading at that moment
        // (the JDK client reports the end of input only on demand): the proxy's audit line says why.
        assertThat(System.nanoTime()).as("the tunnel ended before the test's bound").isLessThan(deadline);
        JsonNode ended = audit.await(a -> "/brief/x".equals(a.path("path").asText()) && a.has("tunnel_end"));
        assertThat(ended.path("tunnel_end").asText()).isEqualTo("lifetime");
        assertThat(ended.path("tunnel_duration_ms").asLong()).isGreaterThanOrEqualTo(2000);
    }
}
