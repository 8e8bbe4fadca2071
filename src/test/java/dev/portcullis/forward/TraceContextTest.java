package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class TraceContextTest {
    private static final String PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @Test
    void aValidParentIsContinuedWithANewSpan() {
        TraceContext t = TraceContext.continueOrStart(PARENT);
        assertThat(t.traceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(t.flags()).isEqualTo("01");
        assertThat(t.spanId()).hasSize(16).isNotEqualTo("00f067aa0ba902b7").matches("[0-9a-f]{16}");
        assertThat(t.traceparent()).matches("00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01");
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"garbage", "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
        "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"})
    void anythingElseStartsANewUnsampledTrace(String parent) {
        TraceContext t = TraceContext.continueOrStart(parent);
        assertThat(t.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(t.flags()).isEqualTo("00");
        assertThat(TraceContext.continueOrStart(parent).traceId()).isNotEqualTo(t.traceId());
    }

    /** An untrusted client's valid context becomes a link of a new trace, whose sampling is ours. */
    @Test
    void anUntrustedParentIsOnlyLinkedFromANewTrace() {
        TraceContext t = TraceContext.continueOrStart(PARENT, false, false);
        assertThat(t.traceId()).matches("[0-9a-f]{32}").isNotEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(t.parentSpanId()).isNull();
        assertThat(t.flags()).as("the client's sampled flag is not ours").isEqualTo("00");
        assertThat(t.linkedTraceId()).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        assertThat(t.linkedSpanId()).isEqualTo("00f067aa0ba902b7");
        assertThat(TraceContext.continueOrStart(PARENT, false, true).flags()).isEqualTo("01");
        assertThat(TraceContext.continueOrStart("garbage", false, false).linkedTraceId()).isNull();
        assertThat(TraceContext.continueOrStart(PARENT, true, false).linkedTraceId()).isNull();
    }
}
