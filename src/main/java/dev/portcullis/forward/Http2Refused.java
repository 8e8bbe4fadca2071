package dev.portcullis.forward;

import java.io.IOException;

/**
 * An {@code upstream_protocol: h2} upstream over TLS that did not agree on {@code h2} by ALPN: it
 * answered, so this is its error ({@code upstream_error}), not an unreachable upstream.
 */
public final class Http2Refused extends IOException {
    public Http2Refused(Upstream u) {
        super("upstream " + u.authority() + " did not agree on h2 by ALPN");
    }
}
