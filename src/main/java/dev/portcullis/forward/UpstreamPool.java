package dev.portcullis.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import io.netty.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * Keep-alive connections to upstreams, one pool per event loop: a request leases a connection
 * that lives on its own loop, so forwarding never hands work to another thread. Not thread-safe
 * by design; every method runs on the pool's loop. The most recently used idle connection is
 * leased first, so after a burst the surplus stays idle and is closed once it has been idle for
 * {@code idle_timeout} (looked for every second, on the loop).
 *
 * <p>Connections are pooled by {@link Upstream#key()}, which names the address and the TLS
 * identity. When a reload publishes a policy whose upstreams no longer include a key (a renewed
 * client certificate or CA, a removed upstream), {@link #retire()} closes its idle connections at
 * once, and a connection of that key released by a request that started before the reload is
 * closed rather than pooled.
 */
public final class UpstreamPool {
    private static final SslContext DEFAULT_TLS = defaultTls();
    /** Responses are parsed as strictly as requests: an ambiguous length must not desynchronize a pooled connection. */
    private static final HttpDecoderConfig STRICT = new HttpDecoderConfig().setMaxInitialLineLength(8192)
            .setMaxHeaderSize(65536).setMaxChunkSize(16384).setStrictLineParsing(true)
            .setUseRfc9112TransferEncoding(true).setAllowDuplicateContentLengths(false).setValidateHeaders(true);

    /** How often connections idle past the timeout are looked for and closed. */
    static final long SWEEP_MILLIS = 1000;

    private final EventLoop loop;
    private final Class<? extends SocketChannel> channelClass;
    private final Map<String, ArrayDeque<Idle>> idle = new HashMap<>();
    /** The keys of the upstreams of the published policy; null: every key is current. */
    private final Supplier<Set<String>> current;
    private long idleTimeoutMillis = Long.MAX_VALUE; // upstream_defaults.idle_timeout as last released with
    private final Http2Upstreams h2;

    private record Idle(Channel channel, long since) {
    }

    public UpstreamPool(EventLoop loop, Class<? extends SocketChannel> channelClass) {
        this(loop, channelClass, () -> null);
    }

    /** @param current the keys of the upstreams of the published policy (read on the loop; null: all) */
    public UpstreamPool(EventLoop loop, Class<? extends SocketChannel> channelClass, Supplier<Set<String>> current) {
        this(loop, channelClass, current, Http2Upstreams.MAX_STREAMS_PER_CONNECTION);
    }

    /** @param maxStreamsPerConnection streams an HTTP/2 connection carries before it is replaced (tests lower it) */
    UpstreamPool(EventLoop loop, Class<? extends SocketChannel> channelClass, Supplier<Set<String>> current,
            long maxStreamsPerConnection) {
        this.current = current;
        this.loop = loop;
        this.channelClass = channelClass;
        this.h2 = new Http2Upstreams(loop, channelClass, maxStreamsPerConnection);
        loop.scheduleWithFixedDelay(() -> closeExpired(System.nanoTime()), SWEEP_MILLIS, SWEEP_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    /** An idle, open connection to {@code u} leased to {@code listener}, or null when there is none. */
    public Channel acquire(Upstream u, long idleTimeoutMillis, UpstreamListener listener) {
        if (u.multiplexed()) {
            this.idleTimeoutMillis = idleTimeoutMillis;
            return h2.acquire(u, listener);
        }
        ArrayDeque<Idle> q = idle.get(u.key());
        if (q == null) {
            return null;
        }
        long now = System.nanoTime();
        Idle i;
        while ((i = q.pollLast()) != null) {
            if (i.channel().isActive() && (now - i.since()) / 1_000_000 < idleTimeoutMillis) {
                i.channel().pipeline().get(UpstreamHandler.class).bind(listener);
                return i.channel();
            }
            i.channel().close();
        }
        return null;
    }

    /** Opens a new connection to {@code u}, leased to {@code listener} once it is connected. */
    public ChannelFuture connect(Upstream u, int connectTimeoutMillis, UpstreamListener listener) {
        Bootstrap b = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        addCodec(ch, u);
                        UpstreamHandler h = new UpstreamHandler();
                        h.bind(listener);
                        ch.pipeline().addLast("upstream", h);
                    }
                });
        return b.connect(u.host(), u.port());
    }

    /**
     * A stream to an HTTP/2 upstream once a connection has room for it (see {@link Http2Upstreams}):
     * fails as a connection that could not be made, or with {@link Http2Refused}.
     */
    public Future<Channel> connectStream(Upstream u, int connectTimeoutMillis, UpstreamListener listener) {
        return h2.connect(u, connectTimeoutMillis, listener);
    }

    /** TLS (for https, with the host name verified) and the strict HTTP client codec, as every upstream connection has. */
    static void addCodec(SocketChannel ch, Upstream u) {
        if (u.tls()) {
            ch.pipeline().addLast("tls", tls(ch, u));
        }
        ch.pipeline().addLast("http", new HttpClientCodec(STRICT, false, false));
    }

    /** TLS to {@code u}, with its host name verified. */
    static SslHandler tls(SocketChannel ch, Upstream u) {
        SslContext tls = u.sslContext() != null ? u.sslContext() : DEFAULT_TLS;
        SslHandler ssl = tls.newHandler(ch.alloc(), u.host(), u.port());
        SSLParameters params = ssl.engine().getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        ssl.engine().setSSLParameters(params);
        return ssl;
    }

    /** Closes a connection that must not be reused, after detaching it from its exchange. */
    public static void discard(Channel ch) {
        UpstreamHandler h = ch.pipeline().get(UpstreamHandler.class);
        if (h != null) {
            h.unbind();
        }
        ch.close();
    }

    /** Takes a connection back after a complete, reusable exchange; it may idle {@code idleTimeoutMillis}. */
    public void release(Upstream u, Channel ch, int maxIdle, long idleTimeoutMillis) {
        this.idleTimeoutMillis = idleTimeoutMillis;
        if (ch instanceof Http2StreamChannel) {
            discard(ch); // a stream carries one exchange; its connection stays with the other streams
            return;
        }
        ch.pipeline().get(UpstreamHandler.class).unbind();
        ch.config().setAutoRead(true);
        if (!ch.isActive()) {
            return;
        }
        Set<String> keys = current.get();
        if (keys != null && !keys.contains(u.key())) {
            ch.close(); // made under settings a reload has since replaced
            return;
        }
        ArrayDeque<Idle> q = idle.computeIfAbsent(u.key(), k -> new ArrayDeque<>());
        if (q.size() >= maxIdle) {
            ch.close();
            return;
        }
        q.addLast(new Idle(ch, System.nanoTime()));
    }

    /**
     * Closes the connections idle for {@code idle_timeout} or longer at {@code nowNanos}, and
     * forgets those the upstream has closed.
     */
    void closeExpired(long nowNanos) {
        h2.closeExpired(nowNanos, idleTimeoutMillis);
        for (ArrayDeque<Idle> q : idle.values()) {
            q.removeIf(i -> {
                if ((nowNanos - i.since()) / 1_000_000 >= idleTimeoutMillis) {
                    i.channel().close();
                    return true;
                }
                return !i.channel().isActive();
            });
        }
    }

    /** Closes, on the pool's loop, the idle connections whose key the published policy no longer has. Any thread. */
    public void retire() {
        loop.execute(this::closeRetired);
    }

    void closeRetired() {
        Set<String> keys = current.get();
        if (keys == null) {
            return;
        }
        h2.closeRetired(keys);
        idle.entrySet().removeIf(e -> {
            if (keys.contains(e.getKey())) {
                return false;
            }
            e.getValue().forEach(i -> i.channel().close());
            return true;
        });
    }

    /** Idle connections held now, to all upstreams (for tests and diagnostics). */
    int idleCount() {
        int n = 0;
        for (ArrayDeque<Idle> q : idle.values()) {
            n += q.size();
        }
        return n;
    }

    /** HTTP/2 connections held now (for tests and diagnostics). */
    int http2ConnectionCount() {
        return h2.connectionCount();
    }

    private static SslContext defaultTls() {
        try {
            return TlsContexts.client(null);
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build the upstream TLS context", e);
        }
    }
}
