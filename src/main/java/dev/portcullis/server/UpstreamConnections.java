package dev.portcullis.server;

import dev.portcullis.forward.Upstream;
import dev.portcullis.forward.UpstreamListener;
import dev.portcullis.forward.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;

/**
 * Where an exchange gets its upstream connection and where it gives it back: the event loop's
 * {@link UpstreamPool} in the proxy. Every method runs on the client connection's event loop.
 */
interface UpstreamConnections {
    /** An idle, open connection to {@code u} leased to {@code listener}, or null when there is none. */
    Channel acquire(Upstream u, long idleTimeoutMillis, UpstreamListener listener);

    /**
     * Opens a new connection to {@code u}, leased to {@code listener} once it is connected; for an
     * HTTP/2 upstream, a stream once a connection has room for one.
     */
    Future<Channel> connect(Upstream u, int connectTimeoutMillis, UpstreamListener listener);

    /** Takes a connection back after a complete, reusable exchange. */
    void release(Upstream u, Channel ch, int maxIdle, long idleTimeoutMillis);

    /** Detaches and closes a connection that must not be reused. */
    void discard(Channel ch);

    /** The connections of one event loop's pool. */
    static UpstreamConnections pooled(UpstreamPool pool) {
        return new UpstreamConnections() {
            @Override
            public Channel acquire(Upstream u, long idleTimeoutMillis, UpstreamListener listener) {
                return pool.acquire(u, idleTimeoutMillis, listener);
            }

            @Override
            public Future<Channel> connect(Upstream u, int connectTimeoutMillis, UpstreamListener listener) {
                if (u.multiplexed()) {
                    return pool.connectStream(u, connectTimeoutMillis, listener);
                }
                ChannelFuture f = pool.connect(u, connectTimeoutMillis, listener);
                Promise<Channel> p = f.channel().eventLoop().newPromise();
                f.addListener((ChannelFutureListener) c -> {
                    if (c.isSuccess()) {
                        p.setSuccess(c.channel());
                    } else {
                        c.channel().close();
                        p.setFailure(c.cause());
                    }
                });
                return p;
            }

            @Override
            public void release(Upstream u, Channel ch, int maxIdle, long idleTimeoutMillis) {
                pool.release(u, ch, maxIdle, idleTimeoutMillis);
            }

            @Override
            public void discard(Channel ch) {
                UpstreamPool.discard(ch);
            }
        };
    }
}
