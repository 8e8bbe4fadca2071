package dev.portcullis.config;

import java.time.Duration;

/**
 * Limits and timeouts of the client-facing listener.
 *
 * @param maxInitialLineLength longest request line accepted (414 beyond)
 * @param maxHeaderSize        total size of the request headers accepted (431 beyond)
 * @param maxHeaderCount       number of request header fields accepted (431 beyond)
 * @param maxTokenBytes        longest bearer token parsed (401 beyond, without parsing)
 * @param maxBodySize          largest request body accepted (413 beyond); 0 means no limit
 * @param idleTimeout          a keep-alive connection with no traffic for this long is closed
 * @param headerReadTimeout    a request whose headers take longer than this to arrive gets 408
 * @param maxConnections       client connections held open at once; more are refused
 * @param keyWaitTimeout       how long a request may wait for an issuer's keys before 503
 * @param ioThreads            event-loop threads; 0 means one per core
 * @param tokenCacheSize       verified tokens kept, so repeat callers skip the signature check; 0 disables
 * @param tokenCacheMaxBytes   heap the verified-token cache may hold, by an estimate of each caller's
 *                             size: a 100-group caller takes about five times a 5-group one
 * @param bodyReadTimeout      longest wait for the next request-body bytes while the proxy is reading the
 *                             body (time it holds off because the upstream is slow does not count): 408
 * @param bodyMinRate          slowest request body accepted, in bytes per second over the body so far,
 *                             once it has taken {@code bodyReadTimeout}; 0 turns the check off
 * @param responseWriteTimeout longest the client may leave response bytes unread (the connection's
 *                             buffer above its high-water mark until it drains to the low one, so a
 *                             client reading a trickle is bounded too); then both connections close
 * @param methodOverrideAllowed {@code method_override: allow}: a {@code _method} query parameter is
 *                             forwarded; by default ({@code refuse}) it gets 400, since frameworks would
 *                             serve the request as that method while the gate judged another
 * @param http2                {@code server.http2} and {@code server.http2_limits}: HTTP/2 on this listener
 * @param transport            {@code server.transport}: io_uring, epoll or NIO ({@code auto}: the best there is)
 * @param cryptoProvider       {@code server.crypto_provider}: the native provider where it loads ({@code auto}),
 *                             or the Java providers only ({@code java})
 * @param tokenCacheSecondUse  {@code server.token_cache_admission: second_use} (the default): a verified
 *                             token is kept at its second use, so tokens used once take no entry;
 *                             {@code first_use} keeps every verified token at once
 */
public record ServerConfig(
        int maxInitialLineLength,
        int maxHeaderSize,
        int maxHeaderCount,
        int maxTokenBytes,
        long maxBodySize,
        Duration idleTimeout,
        Duration headerReadTimeout,
        int maxConnections,
        Duration keyWaitTimeout,
        int ioThreads,
        long tokenCacheSize,
        long tokenCacheMaxBytes,
        Duration bodyReadTimeout,
        long bodyMinRate,
        Duration responseWriteTimeout,
        boolean methodOverrideAllowed,
        Http2Config http2,
        TransportChoice transport,
        CryptoChoice cryptoProvider,
        boolean tokenCacheSecondUse) {

    public static ServerConfig defaults() {
        return new ServerConfig(8192, 16384, 100, 8192, 10L * 1024 * 1024,
                Duration.ofSeconds(60), Duration.ofSeconds(10), 10_000, Duration.ofSeconds(5), 0, 50_000,
                48L * 1024 * 1024, Duration.ofSeconds(30), 0, Duration.ofSeconds(60), false, Http2Config.defaults(),
                TransportChoice.AUTO, CryptoChoice.AUTO, true);
    }
}
