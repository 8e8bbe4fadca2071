package dev.portcullis.it;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 client on Netty's codec, for what the JDK client hides: response trailers, and a
 * request body sent piece by piece while the response streams back. What it receives is queued as
 * plain values: the head, each piece of body, and the end with its trailers.
 */
final class Http1Client implements AutoCloseable {
    sealed interface Part permits Head, Piece, End {
    }

    record Head(int status, Map<String, String> headers) implements Part {
    }

    record Piece(String text) implements Part {
    }

    record End(String text, Map<String, String> trailers) implements Part {
    }

    final BlockingQueue<Part> parts = new LinkedBlockingQueue<>();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    Http1Client(int port) throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<HttpObject>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                                if (msg instanceof HttpResponse r) {
                                    parts.add(new Head(r.status().code(), map(r.headers())));
                                }
                                if (msg instanceof LastHttpContent last) {
                                    parts.add(new End(text(last), map(last.trailingHeaders())));
                                } else if (msg instanceof HttpContent c) {
                                    parts.add(new Piece(text(c)));
                                }
                            }
                        });
                    }
                }).connect("127.0.0.1", port).sync().channel();
    }

    private static String text(HttpContent c) {
        return new String(ByteBufUtil.getBytes(c.content()), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static Map<String, String> map(io.netty.handler.codec.http.HttpHeaders h) {
        Map<String, String> m = new LinkedHashMap<>();
        h.forEach(e -> m.merge(e.getKey().toLowerCase(java.util.Locale.ROOT), e.getValue(), (a, b) -> a + "," + b));
        return m;
    }

    /** Writes and flushes {@code msg} (a head, a piece of body, or the end). */
    void send(HttpObject msg) throws InterruptedException {
        channel.writeAndFlush(msg).sync();
    }

    /** The next part received, within 20 s. */
    Part next() throws InterruptedException {
        Part p = parts.poll(20, TimeUnit.SECONDS);
        if (p == null) {
            throw new AssertionError("nothing received within 20 s");
        }
        return p;
    }

    /** Parts until and with the end of the response. */
    java.util.List<Part> untilEnd() throws InterruptedException {
        java.util.List<Part> all = new java.util.ArrayList<>();
        Part p;
        do {
            p = next();
            all.add(p);
        } while (!(p instanceof End));
        return all;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
}
