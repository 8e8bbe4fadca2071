package dev.portcullis.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * HTTP/2 connections to upstreams ({@code upstream_protocol: h2 | h2c}) of one event loop's pool:
 * an exchange gets a stream on a connection that has a free slot; when every connection is at the
 * upstream's {@code SETTINGS_MAX_CONCURRENT_STREAMS}, another connection is opened (so there are
 * never more connections than exchanges in flight divided by that limit, rounded up). A connection
 * takes no new stream after a GOAWAY or after {@code maxStreamsPerConnection} (well before the
 * 2^31 stream ids run out) and closes when its last stream ends; one without streams closes after
 * {@code idle_timeout}. Not thread-safe; every method runs on the loop.
 */
final class Http2Upstreams {
    /** Client stream ids are odd and below 2^31: about 2^30 streams, less a margin. */
    static final long MAX_STREAMS_PER_CONNECTION = (1L << 30) - 1024;
    /** Push is refused; headers as large as an HTTP/1.1 upstream's may be. */
    private static final Http2Settings SETTINGS = Http2Settings.defaultSettings().pushEnabled(false)
            .maxHeaderListSize(65536);
    /** The upstream may not open streams of its own (push is off): any it tries is closed. */
    private static final ChannelHandler REFUSE_PUSH = new ChannelInitializer<Http2StreamChannel>() {
        @Override
        protected void initChannel(Http2StreamChannel ch) {
            ch.close();
        }
    };

    private final EventLoop loop;
    private final Class<? extends SocketChannel> channelClass;
    private final long maxStreamsPerConnection;
    private final Map<String, List<Http2Connection>> byKey = new HashMap<>();

    Http2Upstreams(EventLoop loop, Class<? extends SocketChannel> channelClass, long maxStreamsPerConnection) {
        this.loop = loop;
        this.channelClass = channelClass;
        this.maxStreamsPerConnection = maxStreamsPerConnection;
    }

    /** A stream on a connection that has a free slot now, leased to {@code listener}; null when there is none. */
    Channel acquire(Upstream u, UpstreamListener listener) {
        for (Http2Connection c : byKey.getOrDefault(u.key(), List.of())) {
            if (c.hasSlot()) {
                Channel s = c.open(listener);
                if (s != null) {
                    return s;
                }
            }
        }
        return null;
    }

    /** A stream once a connection has room for it: a connecting one's, or a new connection's. */
    Future<Channel> connect(Upstream u, int connectTimeoutMillis, UpstreamListener listener) {
        Promise<Channel> p = loop.newPromise();
        place(u, connectTimeoutMillis, new Http2Connection.Waiter(p, listener));
        return p;
    }

    private void place(Upstream u, int connectTimeoutMillis, Http2Connection.Waiter w) {
        List<Http2Connection> list = byKey.computeIfAbsent(u.key(), k -> new ArrayList<>());
        for (Http2Connection c : list) {
            if (c.hasSlot()) {
                give(c, w);
                return;
            }
        }
        for (Http2Connection c : list) {
            if (c.pending()) {
                c.waiting.add(w);
                return;
            }
        }
        Http2Connection c = dial(u, connectTimeoutMillis);
        list.add(c);
        c.waiting.add(w);
    }

    private void give(Http2Connection c, Http2Connection.Waiter w) {
        Channel s = c.open(w.listener());
        if (s == null) {
            w.promise().tryFailure(new ConnectException("the upstream's HTTP/2 connection is closing"));
        } else if (!w.promise().trySuccess(s)) {
            UpstreamPool.discard(s); // the exchange gave up meanwhile
        }
    }

    private Http2Connection dial(Upstream u, int connectTimeoutMillis) {
        Http2Connection c = new Http2Connection(this, u, connectTimeoutMillis, maxStreamsPerConnection);
        Http2FrameCodec codec = Http2FrameCodecBuilder.forClient().initialSettings(SETTINGS).validateHeaders(true)
                .build();
        Bootstrap b = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (u.tls()) {
                            SslHandler ssl = UpstreamPool.tls(ch, u);
                            ch.pipeline().addLast("tls", ssl);
                        }
                        ch.pipeline().addLast("h2", codec);
                        ch.pipeline().addLast("h2-streams", new Http2MultiplexHandler(REFUSE_PUSH));
                        ch.pipeline().addLast("h2-connection", c);
                    }
                });
        Channel ch = b.connect(u.host(), u.port()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                f.channel().close();
            }
        }).channel();
        c.bind(ch, codec);
        // Connected, TLS agreed and the upstream's SETTINGS read, all within connect_timeout.
        loop.schedule(() -> {
            if (!c.ready()) {
                ch.close();
            }
        }, connectTimeoutMillis, TimeUnit.MILLISECONDS);
        return c;
    }

    /** The upstream's first SETTINGS came: the waiting exchanges get streams, up to its limit; the rest go elsewhere. */
    void ready(Http2Connection c) {
        Http2Connection.Waiter w;
        while ((w = c.waiting.poll()) != null) {
            if (c.hasSlot()) {
                give(c, w);
            } else {
                place(c.upstream, c.connectTimeoutMillis, w);
            }
        }
    }

    /** No new streams on {@code c}: it leaves the pool; its open streams finish. */
    void goingAway(Http2Connection c) {
        remove(c);
        Http2Connection.Waiter w;
        while ((w = c.waiting.poll()) != null) {
            place(c.upstream, c.connectTimeoutMillis, w);
        }
    }

    /** The connection closed: exchanges still waiting for it fail as a connection that could not be made. */
    void gone(Http2Connection c) {
        remove(c);
        Http2Connection.Waiter w;
        while ((w = c.waiting.poll()) != null) {
            w.promise().tryFailure(c.refusedH2 ? new Http2Refused(c.upstream)
                    : new ConnectException("upstream HTTP/2 connection closed before it was ready"));
        }
    }

    private void remove(Http2Connection c) {
        List<Http2Connection> list = byKey.get(c.upstream.key());
        if (list != null) {
            list.remove(c);
            if (list.isEmpty()) {
                byKey.remove(c.upstream.key());
            }
        }
    }

    /** Closes the connections without streams idle for {@code idleTimeoutMillis} or longer at {@code nowNanos}. */
    void closeExpired(long nowNanos, long idleTimeoutMillis) {
        for (List<Http2Connection> list : List.copyOf(byKey.values())) {
            for (Http2Connection c : List.copyOf(list)) {
                if (c.ready() && c.active() == 0 && (nowNanos - c.idleSince()) / 1_000_000 >= idleTimeoutMillis) {
                    c.channel().close();
                }
            }
        }
    }

    /** Closes the idle connections whose key the published policy no longer has; busy ones take no new stream. */
    void closeRetired(Set<String> keys) {
        for (String key : List.copyOf(byKey.keySet())) {
            if (!keys.contains(key)) {
                byKey.remove(key).forEach(Http2Connection::retire);
            }
        }
    }

    /** Connections held now, to all upstreams (for tests and diagnostics). */
    int connectionCount() {
        return byKey.values().stream().mapToInt(List::size).sum();
    }
}
