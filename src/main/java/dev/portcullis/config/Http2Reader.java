package dev.portcullis.config;

import java.time.Duration;
import java.util.Set;

/** Reads {@code server.http2} (on or off) and {@code server.http2_limits}; each problem at its own key. */
final class Http2Reader {
    static final Set<String> LIMIT_KEYS = Set.of("max_concurrent_streams", "max_header_list_size",
            "initial_window_size", "max_frame_size", "abuse_window", "max_resets_per_window",
            "max_control_frames_per_window", "max_empty_frames", "max_small_continuation_frames",
            "max_queued_control_frames", "max_streams_per_connection");

    private Http2Reader() {
    }

    static Http2Config http2(ConfigNode server, Http2Config d) {
        boolean on = server.bool("http2", d.enabled());
        return Sections.read(server.get("http2_limits"), LIMIT_KEYS, d.enabled(on), x -> limits(server.get("http2_limits"), x));
    }

    private static Http2Config limits(ConfigNode n, Http2Config d) {
        Duration window = n.duration("abuse_window", d.abuseWindow(), Duration.ofSeconds(1));
        return new Http2Config(d.enabled(),
                (int) n.number("max_concurrent_streams", d.maxConcurrentStreams(), 1, 10_000),
                (int) n.number("max_header_list_size", d.maxHeaderListSize(), 1024, 1 << 22),
                // RFC 9113 6.5.2: at most 2^31-1; at least the 65,535 every peer starts with is not required
                (int) n.number("initial_window_size", d.initialWindowSize(), 1024, Integer.MAX_VALUE),
                (int) n.number("max_frame_size", d.maxFrameSize(), 16384, 16_777_215),
                window,
                (int) n.number("max_resets_per_window", d.maxResetsPerWindow(), 1, 1_000_000),
                (int) n.number("max_control_frames_per_window", d.maxControlFramesPerWindow(), 1, 1_000_000),
                (int) n.number("max_empty_frames", d.maxEmptyFrames(), 1, 10_000),
                (int) n.number("max_small_continuation_frames", d.maxSmallContinuationFrames(), 1, 10_000),
                (int) n.number("max_queued_control_frames", d.maxQueuedControlFrames(), 16, 1_000_000),
                n.number("max_streams_per_connection", d.maxStreamsPerConnection(), 1, 1_000_000_000));
    }
}
