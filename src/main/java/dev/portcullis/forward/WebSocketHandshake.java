package dev.portcullis.forward;

import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The header rules of an RFC 6455 opening handshake through the proxy. {@code Connection} and
 * {@code Upgrade} are hop-by-hop (RFC 9110 §7.6.1), so the proxy's filter removes them like any
 * other; on a route with {@code websocket.enabled} they are set again for the upstream's hop, with
 * the {@code Sec-WebSocket-*} fields the client sent, and likewise on the 101 back to the client.
 * Every other field goes through the usual filter (identity and spoofed headers stripped).
 */
public final class WebSocketHandshake {
    /** The handshake fields a client sends (RFC 6455 §11.3), carried to the upstream as they came. */
    private static final List<String> REQUEST_FIELDS = List.of("sec-websocket-key", "sec-websocket-version",
            "sec-websocket-protocol", "sec-websocket-extensions");
    /** The handshake fields an upstream answers with, carried back on the 101. */
    private static final List<String> RESPONSE_FIELDS = List.of("sec-websocket-accept", "sec-websocket-protocol",
            "sec-websocket-extensions");

    private WebSocketHandshake() {
    }

    /** Whether the request asks to switch to WebSocket: an {@code Upgrade} that names {@code websocket}. */
    public static boolean asked(HttpHeaders h) {
        for (String v : h.getAll(HttpHeaderNames.UPGRADE)) {
            if (hasToken(v, "websocket")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why the opening handshake is malformed (RFC 6455 §4.1, §4.2.1), or null when it is well-formed:
     * method GET, {@code Connection: upgrade}, one {@code Upgrade: websocket}, one
     * {@code Sec-WebSocket-Version: 13}, one {@code Sec-WebSocket-Key} of 16 base64 bytes, no body.
     */
    public static String problem(String method, HttpHeaders h) {
        if (!method.equals("GET")) {
            return "the method of a WebSocket upgrade is GET";
        }
        boolean connection = false;
        for (String v : h.getAll(HttpHeaderNames.CONNECTION)) {
            connection |= hasToken(v, "upgrade");
        }
        if (!connection) {
            return "Connection: upgrade is missing";
        }
        List<String> upgrade = h.getAll(HttpHeaderNames.UPGRADE);
        if (upgrade.size() != 1 || !upgrade.get(0).trim().equalsIgnoreCase("websocket")) {
            return "Upgrade must be websocket alone";
        }
        List<String> version = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_VERSION);
        if (version.size() != 1 || !version.get(0).trim().equals("13")) {
            return "Sec-WebSocket-Version must be 13";
        }
        List<String> key = h.getAll(HttpHeaderNames.SEC_WEBSOCKET_KEY);
        if (key.size() != 1 || !isKey(key.get(0).trim())) {
            return "Sec-WebSocket-Key must be one base64 nonce of 16 bytes";
        }
        if (h.contains(HttpHeaderNames.TRANSFER_ENCODING)
                || (h.contains(HttpHeaderNames.CONTENT_LENGTH) && !h.get(HttpHeaderNames.CONTENT_LENGTH).trim().equals("0"))) {
            return "a WebSocket upgrade has no body";
        }
        return null;
    }

    /** The handshake fields of the client's request, taken before the hop-by-hop filter runs. */
    public static List<Map.Entry<String, String>> requestFields(HttpHeaders h) {
        return fields(h, REQUEST_FIELDS);
    }

    /**
     * Sets the upgrade's own fields on the filtered request head for the upstream: {@code Connection:
     * Upgrade}, {@code Upgrade: websocket} and the client's {@code Sec-WebSocket-*} (whatever else a
     * filter left of those names is replaced).
     */
    public static void restore(HttpHeaders upstream, List<Map.Entry<String, String>> fields) {
        REQUEST_FIELDS.forEach(upstream::remove);
        upstream.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        upstream.set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        fields.forEach(e -> upstream.add(e.getKey(), e.getValue()));
    }

    /**
     * The 101 the client receives for the upstream's: null when the upstream's is not a WebSocket
     * switch ({@link #isSwitch}). Only the handshake
     * fields are carried; the client checks {@code Sec-WebSocket-Accept} against its key.
     */
    public static FullHttpResponse switching(HttpResponse upstream) {
        if (!isSwitch(upstream)) {
            return null;
        }
        HttpHeaders h = upstream.headers();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.SWITCHING_PROTOCOLS);
        res.headers().set(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET);
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        fields(h, RESPONSE_FIELDS).forEach(e -> res.headers().add(e.getKey(), e.getValue()));
        return res;
    }

    /** Whether an upstream's 101 switches to WebSocket: one {@code Upgrade: websocket}, one {@code Sec-WebSocket-Accept}. */
    public static boolean isSwitch(HttpResponse upstream) {
        HttpHeaders h = upstream.headers();
        List<String> upgrade = h.getAll(HttpHeaderNames.UPGRADE);
        return upstream.status().code() == 101 && upgrade.size() == 1
                && upgrade.get(0).trim().equalsIgnoreCase("websocket")
                && h.getAll(HttpHeaderNames.SEC_WEBSOCKET_ACCEPT).size() == 1;
    }

    private static List<Map.Entry<String, String>> fields(HttpHeaders h, List<String> names) {
        List<Map.Entry<String, String>> out = new ArrayList<>();
        for (String n : names) {
            for (String v : h.getAll(n)) {
                out.add(Map.entry(n, v));
            }
        }
        return List.copyOf(out);
    }

    private static boolean isKey(String k) {
        try {
            return Base64.getDecoder().decode(k).length == 16;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean hasToken(String value, String token) {
        for (String t : value.split(",")) {
            if (t.trim().toLowerCase(Locale.ROOT).equals(token)) {
                return true;
            }
        }
        return false;
    }
}
