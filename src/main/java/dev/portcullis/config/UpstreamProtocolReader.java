package dev.portcullis.config;

import java.util.List;

/** Reads a route's {@code upstream_protocol} and checks it against the route's upstream URLs and upgrades. */
final class UpstreamProtocolReader {
    private UpstreamProtocolReader() {
    }

    static UpstreamProtocol protocol(ConfigNode route, List<String> upstreams, WebSocketConfig websocket) {
        String word = route.text("upstream_protocol", null);
        if (word == null) {
            return UpstreamProtocol.HTTP1;
        }
        ConfigNode at = route.get("upstream_protocol");
        UpstreamProtocol p = UpstreamProtocol.of(word);
        if (p == null) {
            at.error("expected 'http1', 'h2' or 'h2c', was '" + word + "'");
            return UpstreamProtocol.HTTP1;
        }
        // h2c is cleartext by definition: an https upstream would be spoken to in the clear, or not at all.
        if (p == UpstreamProtocol.H2C && upstreams != null
                && upstreams.stream().anyMatch(u -> u.regionMatches(true, 0, "https:", 0, 6))) {
            at.error("h2c is HTTP/2 over cleartext, but an upstream is https: use 'h2' (TLS with ALPN)");
        }
        // An HTTP/2 stream cannot carry an RFC 6455 upgrade: refusing the pair beats a tunnel that never opens.
        if (p.multiplexed() && websocket.enabled()) {
            at.error("websocket upgrades need HTTP/1.1 to the upstream: upstream_protocol must be 'http1' here");
        }
        return p;
    }
}
