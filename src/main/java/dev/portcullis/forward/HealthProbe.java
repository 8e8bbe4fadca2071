package dev.portcullis.forward;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Promise;
import java.util.concurrent.TimeUnit;

/**
 * One active health check of one upstream: a new connection, {@code GET path} with
 * {@code Connection: close}, and the status of the answer's head. Passes on a 2xx within the
 * timeout; anything else (refused, reset, timed out, another status) fails. Non-blocking, on one
 * event loop; the connection is closed whatever happens.
 */
final class HealthProbe {
    private HealthProbe() {
    }

    /** Completes on {@code loop} with whether {@code u} passed. */
    static Promise<Boolean> probe(EventLoop loop, Class<? extends SocketChannel> channelClass, Upstream u,
            String path, long timeoutMillis) {
        Promise<Boolean> result = loop.newPromise();
        Bootstrap b = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) timeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        UpstreamPool.addCodec(ch, u);
                        ch.pipeline().addLast("probe", new Answer(result));
                    }
                });
        Channel ch = b.connect(u.host(), u.port()).addListener((ChannelFutureListener) f -> {
            if (!f.isSuccess()) {
                result.trySuccess(false);
                return;
            }
            FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
            req.headers().set(HttpHeaderNames.HOST, u.authority())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, "portcullis-health-check")
                    .set(HttpHeaderNames.CONTENT_LENGTH, 0);
            f.channel().writeAndFlush(req);
        }).channel();
        var timer = loop.schedule(() -> result.trySuccess(false), timeoutMillis, TimeUnit.MILLISECONDS);
        result.addListener(f -> {
            timer.cancel(false);
            ch.close();
        });
        return result;
    }

    /** Reads the answer's head; whatever else happens on the connection is a failure. */
    private static final class Answer extends ChannelInboundHandlerAdapter {
        private final Promise<Boolean> result;

        Answer(Promise<Boolean> result) {
            this.result = result;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse res) {
                    int code = res.status().code();
                    result.trySuccess(res.decoderResult().isSuccess() && code >= 200 && code < 300);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.trySuccess(false);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.trySuccess(false);
            ctx.close();
        }
    }
}
