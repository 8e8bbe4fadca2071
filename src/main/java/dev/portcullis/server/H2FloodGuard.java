package dev.portcullis.server;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.DecoratingHttp2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameListener;
import io.netty.handler.codec.http2.Http2FrameListenerDecorator;
import io.netty.handler.codec.http2.Http2Settings;

/**
 * The SETTINGS, PING and PRIORITY flood bound: a client may send {@code max} of them (acks
 * included) per window; one more is a connection error ENHANCE_YOUR_CALM, so Netty answers GOAWAY
 * and closes that connection. Netty's own bounds cover the rest (resets, empty DATA frames,
 * CONTINUATION runs, answers queued for a client that does not read); this is the one it lacks
 * for a client that reads its acks as fast as it provokes them.
 */
final class H2FloodGuard extends DecoratingHttp2ConnectionDecoder {
    /** The debug text of the GOAWAY, and how {@link H2Codec} tells this bound from the others. */
    static final String MESSAGE = "control frame flood";

    private final int max;
    private final long windowNanos;

    H2FloodGuard(Http2ConnectionDecoder delegate, int max, long windowNanos) {
        super(delegate);
        this.max = max;
        this.windowNanos = windowNanos;
    }

    @Override
    public void frameListener(Http2FrameListener listener) {
        super.frameListener(listener == null ? null : new Counting(listener));
    }

    @Override
    public Http2FrameListener frameListener() {
        Http2FrameListener l = super.frameListener();
        return l instanceof Counting c ? c.inner : l;
    }

    private final class Counting extends Http2FrameListenerDecorator {
        final Http2FrameListener inner;
        private long windowStart = System.nanoTime();
        private int count;

        Counting(Http2FrameListener inner) {
            super(inner);
            this.inner = inner;
        }

        private void count() throws Http2Exception {
            long now = System.nanoTime();
            if (now - windowStart > windowNanos) {
                windowStart = now;
                count = 0;
            }
            if (++count > max) {
                throw Http2Exception.connectionError(Http2Error.ENHANCE_YOUR_CALM, MESSAGE);
            }
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) throws Http2Exception {
            count();
            super.onSettingsRead(ctx, settings);
        }

        @Override
        public void onSettingsAckRead(ChannelHandlerContext ctx) throws Http2Exception {
            count();
            super.onSettingsAckRead(ctx);
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
            count();
            super.onPingRead(ctx, data);
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext ctx, long data) throws Http2Exception {
            count();
            super.onPingAckRead(ctx, data);
        }

        @Override
        public void onPriorityRead(ChannelHandlerContext ctx, int streamId, int streamDependency, short weight,
                boolean exclusive) throws Http2Exception {
            count();
            super.onPriorityRead(ctx, streamId, streamDependency, weight, exclusive);
        }
    }
}
