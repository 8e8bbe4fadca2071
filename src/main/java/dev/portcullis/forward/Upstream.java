package dev.portcullis.forward;

import dev.portcullis.config.UpstreamProtocol;
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
 * @param protocol  the route's {@code upstream_protocol}: HTTP/1.1, or HTTP/2 streams on shared connections
 */
public record Upstream(String host, int port, boolean tls, String authority, String key, SslContext sslContext,
        UpstreamProtocol protocol) {

    public Upstream {
        protocol = protocol == null ? UpstreamProtocol.HTTP1 : protocol;
    }

    /**
     * This address spoken to in {@code p}, with {@code tls} for TLS (null: this one's). Its key
     * names the protocol, so pools never lease an HTTP/1.1 connection to an HTTP/2 exchange.
     */
    public Upstream speaking(UpstreamProtocol p, TlsContexts.ClientTls h2Tls) {
        String k = p == UpstreamProtocol.HTTP1 ? key : key + "|" + p.word();
        return new Upstream(host, port, tls, authority, k, h2Tls == null ? sslContext : h2Tls.context(), p);
    }

    /** Whether exchanges go as HTTP/2 streams. */
    public boolean multiplexed() {
        return protocol.multiplexed();
    }

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
        return new Upstream(bare, port, tls, authority, key, sslContext, UpstreamProtocol.HTTP1);
    }
}
