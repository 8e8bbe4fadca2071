package dev.portcullis.it;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2DataFrame;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/2 upstream for tests (h2c with prior knowledge, or h2 over TLS with ALPN): records every
 * stream it received (pseudo and regular headers, body, trailers) and answers by what its path
 * contains (case-insensitive):
 * <ul>
 *   <li>{@code /hang}: never;</li>
 *   <li>{@code /hold}: once {@link #release()} is called;</li>
 *   <li>{@code echo}: a 200 head at once, each DATA frame echoed as it comes, trailers at the end;</li>
 *   <li>{@code /goaway-below}: as the first stream of its connection as anything else; on a later one a GOAWAY
 *       whose last-stream-id is just below this stream's, and nothing else;</li>
 *   <li>{@code /goaway-after}: answers, then GOAWAY (later requests need another connection);</li>
 *   <li>anything else: 200 {@code ok}, then trailers {@code grpc-status: 0}, {@code grpc-message: fine}.</li>
 * </ul>
 */
public final class H2TestUpstream implements AutoCloseable {
    /** One stream as received. */
    record Received(Map<String, List<String>> headers, byte[] body, Map<String, List<String>> trailers,
            int connection) {
        String first(String name) {
            List<String> v = headers.get(name);
            return v == null ? null : v.get(0);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    final ConcurrentLinkedQueue<Received> received = new ConcurrentLinkedQueue<>();
    /** "connection path" of every stream whose headers came, ended or not. */
    final ConcurrentLinkedQueue<String> begun = new ConcurrentLinkedQueue<>();
    /** Streams whose headers came (before their end): what is in flight now. */
    public final AtomicInteger started = new AtomicInteger();
    public final AtomicInteger connections = new AtomicInteger();
    public final AtomicInteger closedConnections = new AtomicInteger();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final List<Runnable> held = new ArrayList<>();
    private volatile CountDownLatch release = new CountDownLatch(1);

    public H2TestUpstream(long maxConcurrentStreams, SslContext tls) throws InterruptedException {
        server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        int id = connections.incrementAndGet();
                        ch.closeFuture().addListener(f -> closedConnections.incrementAndGet());
                        if (tls != null) {
                            ch.pipeline().addLast(tls.newHandler(ch.alloc()));
                        }
                        Http2Settings s = Http2Settings.defaultSettings();
                        if (maxConcurrentStreams > 0) {
                            s.maxConcurrentStreams(maxConcurrentStreams);
                        }
                        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer().initialSettings(s).build();
                        AtomicInteger streams = new AtomicInteger();
                        ch.pipeline().addLast(codec);
                        ch.pipeline().addLast(new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                            @Override
                            protected void initChannel(Http2StreamChannel sc) {
                                sc.pipeline().addLast(new Stream(id, codec, streams));
                            }
                        }));
                    }
                }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    public String url() {
        return "http://127.0.0.1:" + ((InetSocketAddress) server.localAddress()).getPort();
    }

    int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    /** Answers the held streams, and from now on answers {@code /hold} at once. */
    void release() {
        release.countDown();
        synchronized (held) {
            held.forEach(r -> r.run());
            held.clear();
        }
    }

    /** The one stream received so far (fails the test when there were none or more). */
    Received only() {
        org.assertj.core.api.Assertions.assertThat(received).hasSize(1);
        return received.peek();
    }

    /** Forgets what was received and holds {@code /hold} again. */
    void reset() {
        received.clear();
        begun.clear();
        started.set(0);
        release = new CountDownLatch(1);
    }

    /** Waits until {@code n} streams have begun. */
    void awaitStarted(int n) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (started.get() < n && System.nanoTime() < until) {
            Thread.sleep(10);
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    private static Map<String, List<String>> map(Http2Headers h) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        h.forEach(e -> m.computeIfAbsent(e.getKey().toString(), k -> new ArrayList<>()).add(e.getValue().toString()));
        return m;
    }

    private final class Stream extends ChannelInboundHandlerAdapter {
        private final int connection;
        private final Http2FrameCodec codec;
        private final AtomicInteger streams;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Map<String, List<String>> headers;
        private Map<String, List<String>> trailers = Map.of();
        private String path = "";
        /** A {@code /goaway-below} stream that is not its connection's first: refused by a GOAWAY. */
        private boolean refuse;

        Stream(int connection, Http2FrameCodec codec, AtomicInteger streams) {
            this.connection = connection;
            this.streams = streams;
            this.codec = codec;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    if (headers == null) {
                        headers = map(h.headers());
                        path = String.valueOf(h.headers().path()).toLowerCase(java.util.Locale.ROOT);
                        started.incrementAndGet();
                        begun.add(connection + " " + path);
                        int nth = streams.incrementAndGet();
                        refuse = path.contains("/goaway-below") && nth > 1;
                        begin(ctx);
                    } else {
                        trailers = map(h.headers());
                    }
                    if (h.isEndStream()) {
                        end(ctx);
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    byte[] bytes = ByteBufUtil.getBytes(d.content());
                    body.writeBytes(bytes);
                    if (path.contains("echo") && bytes.length > 0) {
                        ctx.writeAndFlush(new DefaultHttp2DataFrame(Unpooled.wrappedBuffer(bytes)));
                    }
                    if (d.isEndStream()) {
                        end(ctx);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void begin(ChannelHandlerContext ctx) {
            if (path.contains("echo")) {
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                        .set("content-type", "application/grpc")));
            } else if (refuse) {
                int below = ((Http2StreamChannel) ctx.channel()).stream().id() - 2;
                ChannelHandlerContext parent = ctx.channel().parent().pipeline().context(codec);
                codec.goAway(parent, below, Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER, parent.newPromise());
                parent.flush();
            }
        }

        private void end(ChannelHandlerContext ctx) {
            received.add(new Received(headers, body.toByteArray(), trailers, connection));
            if (path.contains("/hang") || refuse) {
                return;
            }
            if (path.contains("echo")) {
                ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("grpc-status", "0")
                        .set("grpc-message", "echoed"), true));
                return;
            }
            if (path.contains("/hold") && release.getCount() > 0) {
                synchronized (held) {
                    if (release.getCount() > 0) {
                        held.add(() -> ctx.executor().execute(() -> answer(ctx)));
                        return;
                    }
                }
            }
            answer(ctx);
        }

        private void answer(ChannelHandlerContext ctx) {
            ctx.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().status("200")
                    .set("content-type", "text/plain").set("x-upstream-connection", String.valueOf(connection))));
            ctx.write(new DefaultHttp2DataFrame(Unpooled.copiedBuffer("ok", StandardCharsets.UTF_8)));
            ctx.writeAndFlush(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().set("grpc-status", "0")
                    .set("grpc-message", "fine"), true));
            if (path.contains("/goaway-after")) {
                ctx.channel().parent().writeAndFlush(new io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame(
                        Http2Error.NO_ERROR));
            }
        }
    }
}
