package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.UpstreamProtocol;
import dev.portcullis.it.H2TestUpstream;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stream-id exhaustion, with a small id budget: a connection that has carried its last stream takes
 * no more, the next exchange gets a new connection, and the spent one closes with its last stream.
 * Real sockets against an h2c test upstream, on one event loop.
 */
class Http2UpstreamsIT {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    @AfterEach
    void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Test
    void aConnectionIsReplacedBeforeItsStreamIdsRunOut() throws Exception {
        try (H2TestUpstream upstream = new H2TestUpstream(0, null)) {
            UpstreamPool pool = new UpstreamPool(group.next(), NioSocketChannel.class, () -> null, 2);
            Upstream u = Upstream.parse(upstream.url()).speaking(UpstreamProtocol.H2C, null);
            for (int i = 0; i < 3; i++) {
                exchange(pool, u, "/x/" + i);
            }
            assertThat(upstream.connections.get()).isEqualTo(2); // two streams on the first, the third on a second
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (upstream.closedConnections.get() < 1 && System.nanoTime() < until) {
                Thread.sleep(20);
            }
            assertThat(upstream.closedConnections.get()).as("the spent connection closed").isEqualTo(1);
            assertThat(group.next().submit(pool::http2ConnectionCount).get()).isEqualTo(1);
        }
    }

    /** One whole GET on a stream of the pool, on its loop; the stream goes back once the response ended. */
    private void exchange(UpstreamPool pool, Upstream u, String path) throws Exception {
        CompletableFuture<Void> done = new CompletableFuture<>();
        UpstreamListener listener = new UpstreamListener() {
            @Override
            public void onUpstreamMessage(HttpObject msg) {
                if (msg instanceof LastHttpContent) {
                    done.complete(null);
                }
                ReferenceCountUtil.release(msg);
            }

            @Override
            public void onUpstreamReadComplete() {
            }

            @Override
            public void onUpstreamWritable() {
            }

            @Override
            public void onUpstreamClosed() {
                done.completeExceptionally(new AssertionError("stream closed before its response"));
            }
        };
        CompletableFuture<Channel> stream = new CompletableFuture<>();
        group.next().execute(() -> {
            Channel s = pool.acquire(u, 60_000, listener);
            if (s != null) {
                stream.complete(s);
            } else {
                pool.connectStream(u, 2000, listener).addListener(f -> {
                    if (f.isSuccess()) {
                        stream.complete((Channel) f.getNow());
                    } else {
                        stream.completeExceptionally(f.cause());
                    }
                });
            }
        });
        Channel s = stream.get(10, TimeUnit.SECONDS);
        HttpRequest get = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        get.headers().set("host", "127.0.0.1");
        s.eventLoop().execute(() -> {
            s.write(get);
            s.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        });
        done.get(10, TimeUnit.SECONDS);
        group.next().submit(() -> pool.release(u, s, 10, 60_000)).get();
    }
}
