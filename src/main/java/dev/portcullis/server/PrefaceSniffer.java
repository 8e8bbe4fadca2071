package dev.portcullis.server;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.util.List;
import java.util.function.Consumer;

/**
 * On a plain listener with {@code http2: true}: the client's first bytes tell HTTP/2 with prior
 * knowledge (the connection preface, RFC 9113 3.4) from HTTP/1.1. As soon as a byte differs from
 * the preface, or all of it has come, the matching pipeline is installed and this handler leaves,
 * handing on what it read. No {@code Upgrade: h2c}: that upgrade is a known way past proxies that
 * forward it (h2c smuggling), and {@code Upgrade} is never forwarded here.
 */
final class PrefaceSniffer extends ByteToMessageDecoder {
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final Consumer<ChannelHandlerContext> http2;
    private final Consumer<ChannelHandlerContext> http1;

    PrefaceSniffer(Consumer<ChannelHandlerContext> http2, Consumer<ChannelHandlerContext> http1) {
        this.http2 = http2;
        this.http1 = http1;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.read(); // auto-read is off
        super.channelActive(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE.getByte(PREFACE.readerIndex() + i)) {
                switchTo(ctx, http1);
                return;
            }
        }
        if (n == PREFACE.readableBytes()) {
            switchTo(ctx, http2);
        } else {
            ctx.read(); // auto-read is off: ask for the rest of the preface
        }
    }

    private void switchTo(ChannelHandlerContext ctx, Consumer<ChannelHandlerContext> install) {
        install.accept(ctx);
        ctx.pipeline().remove(this); // hands what was read to the handlers just installed
    }
}
