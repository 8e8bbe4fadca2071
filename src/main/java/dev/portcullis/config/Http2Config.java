package dev.portcullis.config;

import java.time.Duration;

/**
 * HTTP/2 on the client listener ({@code server.http2}) and its bounds ({@code server.http2_limits}).
 * Each bound closes the abusing connection with GOAWAY; the proxy goes on serving the others.
 *
 * @param enabled                   offer {@code h2} by ALPN on a TLS listener, and accept h2c with prior
 *                                  knowledge on a plain one; HTTP/1.1 stays available either way
 * @param maxConcurrentStreams      streams a client may have open at once (SETTINGS_MAX_CONCURRENT_STREAMS);
 *                                  more are refused with RST_STREAM REFUSED_STREAM
 * @param maxHeaderListSize         decoded size of one request's header list (SETTINGS_MAX_HEADER_LIST_SIZE):
 *                                  the HPACK-bomb bound
 * @param initialWindowSize         each stream's receive window: how much of a request body may arrive
 *                                  before the proxy has passed it on
 * @param maxFrameSize              largest frame the client may send (SETTINGS_MAX_FRAME_SIZE)
 * @param abuseWindow               the window the two rates below are counted over
 * @param maxResetsPerWindow        streams the client may reset per window (rapid reset, CVE-2023-44487)
 * @param maxControlFramesPerWindow SETTINGS, PING and PRIORITY frames the client may send per window
 * @param maxEmptyFrames            consecutive DATA frames without data nor end of stream
 * @param maxSmallContinuationFrames CONTINUATION frames without much header in them, per header block
 *                                  (the CONTINUATION flood, CVE-2024-27316's class)
 * @param maxQueuedControlFrames    answers (SETTINGS and PING acks, resets) waiting for a client that does not read
 * @param maxStreamsPerConnection   streams one connection may carry in all; then a graceful GOAWAY asks
 *                                  the client for a new connection (stream ids are never exhausted)
 */
public record Http2Config(
        boolean enabled,
        int maxConcurrentStreams,
        int maxHeaderListSize,
        int initialWindowSize,
        int maxFrameSize,
        Duration abuseWindow,
        int maxResetsPerWindow,
        int maxControlFramesPerWindow,
        int maxEmptyFrames,
        int maxSmallContinuationFrames,
        int maxQueuedControlFrames,
        long maxStreamsPerConnection) {

    public static Http2Config defaults() {
        return new Http2Config(false, 100, 16384, 65535, 16384, Duration.ofSeconds(10), 100, 200, 2, 16,
                10_000, 100_000);
    }

    /** The same bounds, turned on or off. */
    public Http2Config enabled(boolean on) {
        return new Http2Config(on, maxConcurrentStreams, maxHeaderListSize, initialWindowSize, maxFrameSize,
                abuseWindow, maxResetsPerWindow, maxControlFramesPerWindow, maxEmptyFrames,
                maxSmallContinuationFrames, maxQueuedControlFrames, maxStreamsPerConnection);
    }
}
