package dev.portcullis.forward;

import java.net.URI;
import java.util.Locale;

/**
 * One upstream address.
 *
 * @param host      host name or address to connect to
 * @param port      port
 * @param tls       whether to speak TLS
 * @param authority value for the Host header when the client's is not preserved
 * @param key       identity of the address, for connection pools (kept across reloads)
 */
public record Upstream(String host, int port, boolean tls, String authority, String key) {

    public static Upstream parse(String url) {
        URI u = URI.create(url);
        boolean tls = "https".equals(u.getScheme().toLowerCase(Locale.ROOT));
        int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
        String host = u.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        String authority = u.getPort() > 0 ? host + ":" + port : host;
        return new Upstream(bare, port, tls, authority, (tls ? "https://" : "http://") + host + ":" + port);
    }
}
