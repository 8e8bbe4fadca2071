package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.portcullis.server.TestSignIn;
import dev.portcullis.session.Sessions;
import dev.portcullis.session.TokenSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Cross-site WebSocket hijacking, over real sockets: a {@code login: browser} route with
 * {@code websocket.enabled}, a browser session seeded in the running proxy, the JDK's WebSocket
 * client sending the session cookie with the {@code Origin} a page would. Only the proxy's own
 * origin opens a tunnel; the upstream (a Netty WebSocket echo service) never sees another.
 */
class WebSocketSessionIT {
    private static Harness h;
    private static WebSocketEchoUpstream ws;
    private static Sessions sessions;
    private static TokenEndpointClient oidc;

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        ws = new WebSocketEchoUpstream();
        Path secret = dir.resolve("client-secret");
        Files.writeString(secret, "secret\n");
        h = new Harness();
        h.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                server: { key_wait_timeout: 5s }
                issuers:
                  - id: mock
                    issuer: %%ISSUER%%
                    audiences: [api://portcullis]
                    max_token_lifetime: 2h
                    client: { client_id: portcullis, client_secret_file: %s }
                routes:
                  - id: live
                    match: { path: /live/** }
                    upstream: %s
                    login: browser
                    websocket: { enabled: true }
                    allow: [ { groups_any: [engineering] } ]
                """.formatted(secret, ws.url()));
        sessions = h.proxy().gate().sessions();
        oidc = new TokenEndpointClient(h.issuer.tokenEndpointUrl("default").uri(), "portcullis");
        sessions.useClient(oidc);
        TestSignIn.install(h.proxy());
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        ws.close();
    }

    /** A session for {@code sub} with real tokens: an authorization code round trip at mock-oauth2-server. */
    private static String session(String sub) throws Exception {
        TokenSet t = oidc.signedIn(h, sub);
        return sessions.start("mock", sub, new TokenSet(t.accessToken(), t.refreshToken(), t.idToken(),
                System.currentTimeMillis() + 3_600_000), null, System.currentTimeMillis());
    }

    @ParameterizedTest(name = "Origin {0}: {1}")
    @CsvSource({
        "SELF, 101",
        "https://evil.example, 403",
        "http://127.0.0.1.evil.example, 403",
        "null, 403",
        "-, 403",
    })
    void aCookieAuthenticatedUpgradeOpensOnlyFromTheProxysOwnOrigin(String origin, int status) throws Exception {
        String id = session("ida");
        ws.received.clear();
        WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .header("Cookie", "portcullis=" + id);
        if (!origin.equals("-")) {
            b.header("Origin", origin.equals("SELF") ? "http://127.0.0.1:" + h.port() : origin);
        }
        WebSocketIT.Listener l = new WebSocketIT.Listener();
        URI uri = URI.create("ws://127.0.0.1:" + h.port() + "/live/feed");
        if (status == 101) {
            WebSocket w = b.buildAsync(uri, l).get(10, TimeUnit.SECONDS);
            w.sendText("ping", true);
            assertThat(l.texts.poll(10, TimeUnit.SECONDS)).isEqualTo("ping");
            WebSocketEchoUpstream.Head got = ws.take();
            assertThat(got.header("X-Auth-Subject")).isEqualTo("ida");
            assertThat(got.header("Cookie")).isNull();
            w.abort();
            return;
        }
        Throwable t = catchThrowable(() -> b.buildAsync(uri, l).get(10, TimeUnit.SECONDS));
        assertThat(t).hasCauseInstanceOf(WebSocketHandshakeException.class);
        HttpResponse<?> res = ((WebSocketHandshakeException) t.getCause()).getResponse();
        assertThat(res.statusCode()).isEqualTo(status);
        assertThat(String.valueOf(res.body())).contains("csrf_rejected");
        assertThat(ws.received.poll(300, TimeUnit.MILLISECONDS)).isNull();
    }
}
