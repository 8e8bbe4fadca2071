package dev.portcullis.config;

import java.time.Duration;
import java.util.Set;

/** Reads a {@code tls:} mapping: the listener's own ({@code /tls}) or a route's {@code upstream_tls}. */
final class TlsReader {
    static final Set<String> TLS_KEYS = Set.of("cert_file", "key_file", "reload_interval");
    static final Set<String> UPSTREAM_TLS_KEYS = Set.of("ca_file", "cert_file", "key_file");

    private TlsReader() {
    }

    /** The TLS settings, or {@code null} when the key is absent or not a mapping. */
    static TlsConfig tls(ConfigNode n, boolean listener) {
        return Sections.read(n, listener ? TLS_KEYS : UPSTREAM_TLS_KEYS, null,
                none -> new TlsConfig(n.text("cert_file", null), n.text("key_file", null), n.text("ca_file", null),
                        n.duration("reload_interval", Duration.ofMinutes(1))));
    }
}
