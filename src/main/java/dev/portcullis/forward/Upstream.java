package dev.portcullis.forward;

import io.netty.handler.ssl.SslContext;
import java.net.URI;
import java.util.Locale;

/**
 * One upstream address.
 *
 * @param host      host name or address to connect to
 * @param port      port
 * @param tls       whether to speak TLS
 * @param authority value for the Host header when the client's is not preserved
 * @param key       identity of the address and TLS settings, for connection pools (kept across reloads)
 * @param sslContext client TLS context for https upstreams, or null for the default
 */
public record Upstream(String host, int port, boolean tls, String authority, String key, SslContext sslContext) {

    public static Upstream parse(String url) {
        return parse(url, null, null);
    }

    /**
     * @param tls   the route's client TLS for https (null: the default one)
     * @param tlsId names the TLS settings, so pools never mix connections made with different ones
     */
    public static Upstream of(String url, TlsContexts.ClientTls tls, String tlsId) {
        return parse(url, tls == null ? null : tls.context(), tlsId);
    }

    /**
     * @param sslContext the client TLS context for https (null: the default one)
     * @param tlsId      names the TLS settings, so pools never mix connections made with different ones
     */
    public static Upstream parse(String url, SslContext sslContext, String tlsId) {
        URI u = URI.create(url);
        boolean tls = "https".equals(u.getScheme().toLowerCase(Locale.ROOT));
        int port = u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
        String host = u.getHost();
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        String authority = u.getPort() > 0 ? host + ":" + port : host;
        String key = (tls ? "https://" : "http://") + host + ":" + port + (tls && tlsId != null ? "#" + tlsId : "");
        return new Upstream(bare, port, tls, authority, key, sslContext);
    }
}
