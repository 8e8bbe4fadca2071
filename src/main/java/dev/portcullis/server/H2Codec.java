package dev.portcullis.server;

import dev.portcullis.config.Http2Config;
import dev.portcullis.vocab.Reason;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2ConnectionDecoder;
import io.netty.handler.codec.http2.Http2ConnectionEncoder;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2Settings;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The client connection's HTTP/2 codec (Netty's), built with the listener's {@code http2_limits}
 * and the {@link H2FloodGuard}. Every connection error it answers with GOAWAY is named (see
 * {@link #errorName}) and handed to {@code onError} once, for the metric and the audit line. A
 * request head whose header list decodes past {@code max_header_list_size} (an HPACK bomb) is a
 * stream error Netty answers itself (431, then RST_STREAM) before any stream handler sees it; it is
 * handed to {@code onHeadRefused} ({@code headers_too_large}), so it is audited like an HTTP/1.1 head
 * too large; so is a head Netty's HPACK validation refused ({@code bad_request}).
 */
final class H2Codec extends Http2FrameCodec {
    private final Consumer<String> onError;
    private final Consumer<Reason> onHeadRefused;
    private boolean reported;

    private H2Codec(Http2ConnectionEncoder encoder, Http2ConnectionDecoder decoder, Http2Settings settings,
            Consumer<String> onError, Consumer<Reason> onHeadRefused) {
        super(encoder, decoder, settings, false, true);
        this.onError = onError;
        this.onHeadRefused = onHeadRefused;
    }

    /**
     * A server codec with the bounds of {@code c}; {@code onError} hears each connection error's
     * name, {@code onHeadRefused} each request head Netty refused before it became a stream.
     */
    static Http2FrameCodec forServer(Http2Config c, Consumer<String> onError, Consumer<Reason> onHeadRefused) {
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(c.maxConcurrentStreams())
                .maxHeaderListSize(c.maxHeaderListSize())
                .initialWindowSize(c.initialWindowSize())
                .maxFrameSize(c.maxFrameSize()); // no ENABLE_PUSH: a server may not send it, and never pushes
        int windowSeconds = (int) Math.max(1, c.abuseWindow().toSeconds());
        return new Builder(c, onError, onHeadRefused)
                .initialSettings(settings)
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(c.maxResetsPerWindow(), windowSeconds)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(c.maxEmptyFrames())
                .decoderEnforceMaxSmallContinuationFrames(c.maxSmallContinuationFrames())
                .encoderEnforceMaxQueuedControlFrames(c.maxQueuedControlFrames())
                .gracefulShutdownTimeoutMillis(TimeUnit.SECONDS.toMillis(30))
                .build();
    }

    @Override
    public void onError(ChannelHandlerContext ctx, boolean outbound, Throwable cause) {
        Http2Exception e = outbound ? null : Http2CodecUtil.getEmbeddedHttp2Exception(cause);
        if (e instanceof Http2Exception.HeaderListSizeException h && h.duringDecode()) {
            onHeadRefused.accept(Reason.HEADERS_TOO_LARGE);
        } else if (e instanceof Http2Exception.StreamException s && s.error() == Http2Error.PROTOCOL_ERROR
                && connection().stream(s.streamId()) == null) {
            // a head Netty's HPACK validation refused (an upper-case name, a connection-specific field,
            // a pseudo-header out of place, CR, LF or NUL): reset before any stream handler saw it
            onHeadRefused.accept(Reason.BAD_REQUEST);
        }
        super.onError(ctx, outbound, cause);
    }

    @Override
    protected void onConnectionError(ChannelHandlerContext ctx, boolean outbound, Throwable cause,
            Http2Exception http2Ex) {
        if (!reported) {
            reported = true;
            onError.accept(errorName(http2Ex == null ? null : http2Ex.error(), http2Ex == null ? "" : http2Ex.getMessage()));
        }
        super.onConnectionError(ctx, outbound, cause, http2Ex);
    }

    /**
     * The metric's name for a connection error: the bound that tripped ({@code rapid_reset},
     * {@code control_flood}, {@code control_queue}, {@code empty_frames}, {@code continuation_flood},
     * {@code header_list_too_large}), else the HTTP/2 error code in lower case ({@code protocol_error}…).
     */
    static String errorName(Http2Error error, String message) {
        String m = message == null ? "" : message;
        if (m.contains("RST frames")) {
            return "rapid_reset";
        } else if (m.contains(H2FloodGuard.MESSAGE)) {
            return "control_flood";
        } else if (m.contains("outstanding control frames")) {
            return "control_queue";
        } else if (m.contains("empty data frames")) {
            return "empty_frames";
        } else if (m.contains("continuations frames")) {
            return "continuation_flood";
        } else if (m.contains("Header size exceeded")) {
            return "header_list_too_large";
        }
        return error == null ? "internal_error" : error.name().toLowerCase(Locale.ROOT);
    }

    private static final class Builder extends Http2FrameCodecBuilder {
        private final Http2Config c;
        private final Consumer<String> onError;
        private final Consumer<Reason> onHeadRefused;

        Builder(Http2Config c, Consumer<String> onError, Consumer<Reason> onHeadRefused) {
            this.c = c;
            this.onError = onError;
            this.onHeadRefused = onHeadRefused;
            server(true);
        }

        @Override
        protected Http2FrameCodec build(Http2ConnectionDecoder decoder, Http2ConnectionEncoder encoder,
                Http2Settings initialSettings) {
            Http2ConnectionDecoder guarded = new H2FloodGuard(decoder, c.maxControlFramesPerWindow(),
                    c.abuseWindow().toNanos());
            H2Codec codec = new H2Codec(encoder, guarded, initialSettings, onError, onHeadRefused);
            codec.gracefulShutdownTimeoutMillis(gracefulShutdownTimeoutMillis());
            return codec;
        }
    }
}
