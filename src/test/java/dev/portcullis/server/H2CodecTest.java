package dev.portcullis.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.netty.handler.codec.http2.Http2Error;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link H2Codec#errorName}: each connection error Netty (or {@link H2FloodGuard}) raises gets the
 * metric reason of the bound that tripped. The messages are Netty's own (4.2), so a Netty upgrade
 * that rewords one shows up here, not as a silently renamed metric.
 */
class H2CodecTest {
    static Stream<Arguments> errors() {
        return Stream.of(
                arguments(Http2Error.ENHANCE_YOUR_CALM,
                        "Maximum number of RST frames reached", "rapid_reset"),
                arguments(Http2Error.ENHANCE_YOUR_CALM, H2FloodGuard.MESSAGE, "control_flood"),
                arguments(Http2Error.ENHANCE_YOUR_CALM,
                        "Maximum number 16 of outstanding control frames reached", "control_queue"),
                arguments(Http2Error.ENHANCE_YOUR_CALM,
                        "Maximum number 2 of empty data frames without end_of_stream flag received", "empty_frames"),
                arguments(Http2Error.ENHANCE_YOUR_CALM,
                        "Number of small consecutive continuations frames 9 exceeds maximum: 8", "continuation_flood"),
                arguments(Http2Error.PROTOCOL_ERROR,
                        "Header size exceeded max allowed size (5120)", "header_list_too_large"),
                arguments(Http2Error.PROTOCOL_ERROR, "Request stream 3 is behind the next expected stream 5",
                        "protocol_error"),
                arguments(Http2Error.FLOW_CONTROL_ERROR, "Window size overflow for stream: 0", "flow_control_error"),
                arguments(Http2Error.FRAME_SIZE_ERROR, "Frame length: 20000 exceeds maximum: 16384", "frame_size_error"),
                arguments(Http2Error.NO_ERROR, null, "no_error"),
                arguments(null, null, "internal_error"),
                arguments(null, "", "internal_error"));
    }

    @ParameterizedTest(name = "{2}: {1}")
    @MethodSource("errors")
    void eachConnectionErrorIsNamedByTheBoundItTripped(Http2Error code, String message, String name) {
        assertThat(H2Codec.errorName(code, message)).isEqualTo(name);
    }
}
