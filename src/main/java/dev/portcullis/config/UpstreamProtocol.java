package dev.portcullis.config;

import java.util.Locale;

/**
 * A route's {@code upstream_protocol}: how its requests travel to its upstreams.
 * <ul>
 *   <li>{@code http1} (the default): HTTP/1.1 keep-alive connections, one exchange at a time;</li>
 *   <li>{@code h2c}: HTTP/2 over cleartext with prior knowledge (the upstream URLs are http);</li>
 *   <li>{@code h2}: HTTP/2 over TLS, agreed by ALPN, for an https upstream; with prior knowledge for an http one.</li>
 * </ul>
 */
public enum UpstreamProtocol {
    HTTP1, H2, H2C;

    /** Whether requests share connections as HTTP/2 streams. */
    public boolean multiplexed() {
        return this != HTTP1;
    }

    /** The config word. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The protocol a config word names, or null for another word. */
    public static UpstreamProtocol of(String word) {
        for (UpstreamProtocol p : values()) {
            if (p.word().equals(word)) {
                return p;
            }
        }
        return null;
    }
}
