package dev.portcullis.forward;

import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context ({@code traceparent}) for the hop through Portcullis: a trusted source's trace
 * is continued with a new span id of our own; any other request starts a new trace, which links
 * to the client's context when it sent a valid one. The trace id goes into the audit line, so a
 * refusal can be found next to the service's spans.
 *
 * @param traceId  32 lower-case hex digits
 * @param spanId   16 lower-case hex digits: Portcullis's span, the upstream's parent
 * @param parentSpanId the caller's span id when the trace was continued, else null
 * @param flags    2 hex digits (a trusted caller's, or ours for a trace we start)
 * @param linkedTraceId an untrusted client's trace id, kept as a link of the new trace, else null
 * @param linkedSpanId  that client's span id, else null
 */
public record TraceContext(String traceId, String spanId, String flags, String parentSpanId, String linkedTraceId,
        String linkedSpanId) {

    /** Continues {@code traceparent} when it is valid version-00 context, else starts an unsampled trace. */
    public static TraceContext continueOrStart(String traceparent) {
        return continueOrStart(traceparent, true, false);
    }

    /**
     * Continues {@code traceparent} when it is valid version-00 context from a {@code trusted}
     * source (the caller's sampling decision stands). Otherwise starts a trace, sampled when
     * {@code sampleNew}: an untrusted client chooses neither the trace its request joins nor
     * whether it is recorded, and its valid context is kept only as a link.
     */
    public static TraceContext continueOrStart(String traceparent, boolean trusted, boolean sampleNew) {
        String trace = null;
        String parent = null;
        if (traceparent != null && traceparent.length() == 55 && traceparent.startsWith("00-")
                && traceparent.charAt(35) == '-' && traceparent.charAt(52) == '-') {
            String t = traceparent.substring(3, 35);
            String p = traceparent.substring(36, 52);
            String flags = traceparent.substring(53, 55);
            if (hex(t) && hex(p) && hex(flags) && !zeros(t) && !zeros(p)) {
                if (trusted) {
                    return new TraceContext(t, newSpanId(), flags, p, null, null);
                }
                trace = t;
                parent = p;
            }
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String id = hex16(r.nextLong()) + hex16(r.nextLong());
        return new TraceContext(zeros(id) ? "0000000000000000000000000000000" + "1" : id, newSpanId(),
                sampleNew ? "01" : "00", null, trace, parent);
    }

    /** Whether the trace is sampled (flag bit 0). */
    public boolean sampled() {
        return (Character.digit(flags.charAt(1), 16) & 1) == 1;
    }

    /** The header value for the upstream. */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + flags;
    }

    private static String newSpanId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return hex16(id);
    }

    private static String hex16(long v) {
        String s = Long.toHexString(v);
        return s.length() == 16 ? s : "0".repeat(16 - s.length()) + s;
    }

    private static boolean hex(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static boolean zeros(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) != '0') {
                return false;
            }
        }
        return true;
    }
}
