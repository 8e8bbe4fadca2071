package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The opening handshake's checks (RFC 6455 §4.1) and header rules through the proxy. */
class WebSocketHandshakeTest {
    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

    /** Headers from {@code name: value; name: value} ({@code ~} for none). */
    private static HttpHeaders headers(String spec) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (!spec.equals("~")) {
            for (String f : spec.split(";")) {
                int c = f.indexOf(':');
                h.add(f.substring(0, c).trim(), f.substring(c + 1).trim());
            }
        }
        return h;
    }

    private static final String GOOD = "Connection: Upgrade; Upgrade: websocket; Sec-WebSocket-Version: 13; "
            + "Sec-WebSocket-Key: " + KEY;

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource(delimiter = '|', value = {
        "GET  | " + GOOD + "                                           | ",
        "GET  | " + GOOD + "; Content-Length: 0                        | ",
        "GET  | Connection: keep-alive, upgrade; Upgrade: WebSocket; Sec-WebSocket-Version: 13; Sec-WebSocket-Key: " + KEY + " | ",
        "POST | " + GOOD + "                                           | method",
        "HEAD | " + GOOD + "                                           | method",
        "GET  | Upgrade: websocket; Sec-WebSocket-Version: 13; Sec-WebSocket-Key: " + KEY + " | Connection",
        "GET  | Connection: Upgrade; Upgrade: websocket, h2c; Sec-WebSocket-Version: 13; Sec-WebSocket-Key: " + KEY + " | Upgrade",
        "GET  | Connection: Upgrade; Upgrade: websocket; Upgrade: websocket; Sec-WebSocket-Version: 13; Sec-WebSocket-Key: " + KEY + " | Upgrade",
        "GET  | Connection: Upgrade; Upgrade: websocket; Sec-WebSocket-Version: 8; Sec-WebSocket-Key: " + KEY + " | Version",
        "GET  | Connection: Upgrade; Upgrade: websocket; Sec-WebSocket-Key: " + KEY + " | Version",
        "GET  | Connection: Upgrade; Upgrade: websocket; Sec-WebSocket-Version: 13, 8; Sec-WebSocket-Key: " + KEY + " | Version",
        "GET  | Connection: Upgrade; Upgrade: websocket; Sec-WebSocket-Version: 13         | Key",
        "GET  | Connection: Upgrade; Upgrade: websocket; Sec-WebSocket-Version: 13; Sec-WebSocket-Key: c2hvcnQ= | Key",
        "GET  | Connection: Upgrade; Upgrade: websocket; Sec-WebSocket-Version: 13; Sec-WebSocket-Key: not*base64 | Key",
        "GET  | Connection: Upgrade; Upgrade: websocket; Sec-WebSocket-Version: 13; Sec-WebSocket-Key: " + KEY + "; Sec-WebSocket-Key: " + KEY + " | Key",
        "GET  | " + GOOD + "; Content-Length: 5                        | body",
        "GET  | " + GOOD + "; Transfer-Encoding: chunked               | body",
    })
    void theHandshakeIsChecked(String method, String spec, String problem) {
        String p = WebSocketHandshake.problem(method, headers(spec));
        if (problem == null) {
            assertThat(p).isNull();
        } else {
            assertThat(p).containsIgnoringCase(problem);
        }
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "Upgrade: websocket       | true",
        "Upgrade: WebSocket       | true",
        "Upgrade: h2c, websocket  | true",
        "Upgrade: h2c             | false",
        "~                        | false",
        "Connection: upgrade      | false",
    })
    void anUpgradeIsAskedOnlyForWebsocket(String spec, boolean asked) {
        assertThat(WebSocketHandshake.asked(headers(spec))).isEqualTo(asked);
    }

    @Test
    void theUpstreamGetsTheUpgradeFieldsBackAndOnlyTheClientsHandshakeFields() {
        HttpHeaders client = headers(GOOD + "; Sec-WebSocket-Protocol: chat; Sec-WebSocket-Extensions: permessage-deflate");
        List<Map.Entry<String, String>> fields = WebSocketHandshake.requestFields(client);
        // What the hop-by-hop filter leaves: no Connection, no Upgrade; a stray Sec-WebSocket-Key is replaced.
        HttpHeaders upstream = headers("X-Auth-Subject: alice; Sec-WebSocket-Key: Zm9yZ2VkZm9yZ2VkZm9yZ2VkIQ==");
        WebSocketHandshake.restore(upstream, fields);
        assertThat(upstream.getAll("Connection")).containsExactly("upgrade");
        assertThat(upstream.getAll("Upgrade")).containsExactly("websocket");
        assertThat(upstream.getAll("Sec-WebSocket-Key")).containsExactly(KEY);
        assertThat(upstream.getAll("Sec-WebSocket-Version")).containsExactly("13");
        assertThat(upstream.getAll("Sec-WebSocket-Protocol")).containsExactly("chat");
        assertThat(upstream.getAll("Sec-WebSocket-Extensions")).containsExactly("permessage-deflate");
        assertThat(upstream.getAll("X-Auth-Subject")).containsExactly("alice");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "Upgrade: websocket; Connection: Upgrade; Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=; Set-Cookie: a=b | true",
        "Upgrade: h2c; Connection: Upgrade; Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=                       | false",
        "Upgrade: websocket; Connection: Upgrade                                                                     | false",
    })
    void onlyAWebsocketSwitchIsRelayedAndWithItsHandshakeFieldsAlone(String spec, boolean relayed) {
        DefaultHttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        res.headers().add(headers(spec));
        assertThat(WebSocketHandshake.isSwitch(res)).isEqualTo(relayed);
        FullHttpResponse out = WebSocketHandshake.switching(res);
        if (!relayed) {
            assertThat(out).isNull();
            return;
        }
        assertThat(out.status().code()).isEqualTo(101);
        assertThat(out.headers().get("Sec-WebSocket-Accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        assertThat(out.headers().get("Upgrade")).isEqualTo("websocket");
        assertThat(out.headers().get("Connection")).isEqualTo("upgrade");
        assertThat(out.headers().contains("Set-Cookie")).isFalse();
        out.release();
    }
}
