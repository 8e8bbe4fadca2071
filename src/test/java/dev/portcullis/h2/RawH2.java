package dev.portcullis.h2;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Flags;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Settings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A hand-driven HTTP/2 client for tests that must send what no well-behaved client sends (floods,
 * malformed heads, upper-case names, split header blocks). Frames are written and read by Netty's
 * own frame writer, HPACK encoder and frame reader, over a plain blocking socket (h2c with prior
 * knowledge); nothing here parses HTTP/2 by hand. Not thread-safe: one test thread drives it.
 */
public final class RawH2 implements AutoCloseable {
    /** A frame the server sent, or {@code closed} when the connection ended. */
    public record Event(String type, int streamId, long code, Http2Headers headers, byte[] data, boolean endStream) {
        public String status() {
            return headers == null || headers.status() == null ? null : headers.status().toString();
        }

        public String text() {
            return data == null ? "" : new String(data, StandardCharsets.UTF_8);
        }
    }

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;
    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = channel.pipeline().firstContext();
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter(Http2HeadersEncoder.NEVER_SENSITIVE, true);
    private final DefaultHttp2HeadersEncoder hpack = new DefaultHttp2HeadersEncoder();
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(new DefaultHttp2HeadersDecoder(false, 1 << 20));
    private final ByteBuf pending = Unpooled.buffer();
    private final List<Event> seen = new ArrayList<>();
    private boolean closed;
    /** A read saw the end: unlike a failed write (the server may have closed first), nothing more to read. */
    private boolean eof;
    /** Acknowledge the server's SETTINGS and PINGs while reading (off: a client that never answers). */
    public boolean autoAck = true;

    /** Connects, sends the preface and an empty SETTINGS frame. */
    public RawH2(int port) throws IOException {
        socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setTcpNoDelay(true);
        out = socket.getOutputStream();
        in = socket.getInputStream();
        raw(bytesOf(Http2CodecUtil.connectionPrefaceBuf()));
        settings(new Http2Settings());
    }

    private static byte[] bytesOf(ByteBuf b) {
        byte[] bytes = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), bytes);
        b.release();
        return bytes;
    }

    /** A request head with the usual pseudo-headers; add more with {@code extra} (name, value, …). */
    public static Http2Headers request(String method, String path, int port, String... extra) {
        Http2Headers h = new DefaultHttp2Headers(false).method(method).path(path).scheme("http")
                .authority("127.0.0.1:" + port);
        for (int i = 0; i + 1 < extra.length; i += 2) {
            h.add(extra[i], extra[i + 1]);
        }
        return h;
    }

    public RawH2 settings(Http2Settings s) {
        writer.writeSettings(ctx, s, ctx.newPromise());
        return flush();
    }

    public RawH2 headers(int streamId, Http2Headers h, boolean endStream) {
        writer.writeHeaders(ctx, streamId, h, 0, endStream, ctx.newPromise());
        return flush();
    }

    /** The HPACK block of {@code h}, for frames split by hand. */
    public byte[] hpack(int streamId, Http2Headers h) {
        ByteBuf b = Unpooled.buffer();
        try {
            hpack.encodeHeaders(streamId, h, b);
        } catch (Http2Exception e) {
            throw new IllegalStateException(e);
        }
        return bytesOf(b);
    }

    /** Any frame, as it is: {@code type} 0x1 HEADERS, 0x9 CONTINUATION… ({@code flags}: 0x1 END_STREAM, 0x4 END_HEADERS). */
    public RawH2 frame(byte type, int streamId, int flags, byte[] payload) {
        writer.writeFrame(ctx, type, streamId, new Http2Flags((short) flags), Unpooled.wrappedBuffer(payload), ctx.newPromise());
        return flush();
    }

    public RawH2 data(int streamId, byte[] data, boolean endStream) {
        writer.writeData(ctx, streamId, Unpooled.wrappedBuffer(data), 0, endStream, ctx.newPromise());
        return flush();
    }

    public RawH2 rst(int streamId, long code) {
        writer.writeRstStream(ctx, streamId, code, ctx.newPromise());
        return flush();
    }

    public RawH2 ping(long data) {
        writer.writePing(ctx, false, data, ctx.newPromise());
        return flush();
    }

    public RawH2 priority(int streamId, int dependency) {
        writer.writePriority(ctx, streamId, dependency, (short) 16, false, ctx.newPromise());
        return flush();
    }

    public RawH2 windowUpdate(int streamId, int increment) {
        writer.writeWindowUpdate(ctx, streamId, increment, ctx.newPromise());
        return flush();
    }

    /** Bytes as they are. A write to a connection the server closed is not an error here: {@link #closed()} tells. */
    public RawH2 raw(byte[] bytes) {
        if (closed) {
            return this;
        }
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            closed = true;
        }
        return this;
    }

    private RawH2 flush() {
        ctx.flush();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) o;
            byte[] chunk = new byte[b.readableBytes()];
            b.readBytes(chunk);
            b.release();
            bytes.writeBytes(chunk);
        }
        return raw(bytes.toByteArray());
    }

    /** Whether a write failed or a read saw the end of the connection. */
    public boolean closed() {
        return closed;
    }

    /** Every frame read so far. */
    public List<Event> seen() {
        return seen;
    }

    /**
     * Reads frames until one matches {@code stop}, the connection ends (an event {@code closed}) or
     * {@code timeout} passes (null).
     */
    public Event readUntil(Predicate<Event> stop, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int from = seen.size();
        byte[] buf = new byte[16384];
        while (true) {
            for (int i = from; i < seen.size(); i++) {
                if (stop.test(seen.get(i))) {
                    return seen.get(i);
                }
            }
            from = seen.size();
            if (eof) {
                Event e = new Event("closed", 0, 0, null, null, true);
                return stop.test(e) ? e : null;
            }
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return null;
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(left, 500)));
            int n;
            try {
                n = in.read(buf);
            } catch (SocketTimeoutException e) {
                continue;
            } catch (IOException e) {
                n = -1;
            }
            if (n < 0) {
                closed = true;
                eof = true;
                seen.add(new Event("closed", 0, 0, null, null, true));
                continue;
            }
            pending.writeBytes(buf, 0, n);
            try {
                reader.readFrame(ctx, pending, listener);
            } catch (Http2Exception e) {
                throw new IOException("the server sent a frame Netty's reader refuses", e);
            }
            pending.discardReadBytes();
        }
    }

    /**
     * The server's answer on {@code streamId}: its head, body and how it ended (its first RST_STREAM's
     * code, or 0).
     */
    public record Answer(String status, Http2Headers headers, String body, long resetCode, boolean ended) {
    }

    public Answer answer(int streamId, Duration timeout) throws IOException {
        // the stream may have ended while an earlier call read on for another stream
        Predicate<Event> ends = e -> e.streamId == streamId && !e.type.equals("goaway")
                && (e.endStream || e.type.equals("rst"));
        Event end = seen.stream().filter(ends).findFirst().orElse(null);
        if (end == null) {
            end = readUntil(e -> e.type.equals("closed") || e.type.equals("goaway") || ends.test(e), timeout);
        }
        Http2Headers head = null;
        StringBuilder body = new StringBuilder();
        long reset = 0;
        for (Event e : seen) {
            if (e.streamId != streamId) {
                continue;
            }
            if (e.type.equals("headers") && head == null) {
                head = e.headers;
            } else if (e.type.equals("data")) {
                body.append(e.text());
            } else if (e.type.equals("rst") && reset == 0) { // the first: a later one may answer frames sent after it
                reset = e.code;
            }
        }
        return new Answer(head == null || head.status() == null ? null : head.status().toString(), head,
                body.toString(), reset, end != null && end.streamId == streamId);
    }

    /** The GOAWAY the server sent, waiting up to {@code timeout} for it, or null. */
    public Event goAway(Duration timeout) throws IOException {
        return readUntil(e -> e.type.equals("goaway"), timeout);
    }

    /** Whether the server closed the connection within {@code timeout}. */
    public boolean closedWithin(Duration timeout) throws IOException {
        return readUntil(e -> e.type.equals("closed"), timeout) != null;
    }

    private final Http2FrameAdapter listener = new Http2FrameAdapter() {
        @Override
        public int onDataRead(ChannelHandlerContext c, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            byte[] bytes = new byte[data.readableBytes()];
            data.getBytes(data.readerIndex(), bytes);
            seen.add(new Event("data", streamId, 0, null, bytes, endOfStream));
            if (bytes.length > 0) { // keep the windows open, as a reading client does
                windowUpdate(0, bytes.length + padding);
                windowUpdate(streamId, bytes.length + padding);
            }
            return bytes.length + padding;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int padding, boolean endOfStream) {
            seen.add(new Event("headers", streamId, 0, headers, null, endOfStream));
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext c, int streamId, Http2Headers headers, int dependency,
                short weight, boolean exclusive, int padding, boolean endOfStream) {
            onHeadersRead(c, streamId, headers, padding, endOfStream);
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext c, int streamId, long errorCode) {
            seen.add(new Event("rst", streamId, errorCode, null, null, true));
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext c, Http2Settings settings) {
            seen.add(new Event("settings", 0, 0, null, null, false));
            if (autoAck) {
                writer.writeSettingsAck(ctx, ctx.newPromise());
                flush();
            }
        }

        @Override
        public void onPingRead(ChannelHandlerContext c, long data) {
            seen.add(new Event("ping", 0, data, null, null, false));
        }

        @Override
        public void onPingAckRead(ChannelHandlerContext c, long data) {
            seen.add(new Event("ping_ack", 0, data, null, null, false));
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext c, int lastStreamId, long errorCode, ByteBuf debugData) {
            seen.add(new Event("goaway", lastStreamId, errorCode, null,
                    debugData.toString(StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8), true));
        }
    };

    @Override
    public void close() throws IOException {
        socket.close();
        pending.release();
        channel.finishAndReleaseAll();
    }
}
