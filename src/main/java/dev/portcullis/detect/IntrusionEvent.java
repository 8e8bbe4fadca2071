package dev.portcullis.detect;

import dev.portcullis.vocab.Reason;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One suspected intrusion attempt: a source whose denials crossed its threshold within the window,
 * or that was denied for an instant reason. Raised once per crossing, not per request; built on
 * the request thread (no formatting there) and written by {@link IntrusionEvents}.
 *
 * @param kind               what tripped
 * @param source             the client key ({@link ClientKeys}) or subject key
 *                           ({@link IntrusionDetector#subjectKey})
 * @param count              denials of the source within the window, this one included
 * @param window             the window counted over
 * @param samples            the source's last denials (at most {@link SlidingWindow#SAMPLES}),
 *                           oldest first: bounded evidence, not a full record
 * @param blocked            whether the source is now refused
 * @param blockedUntilMillis until when (epoch millis), or 0 when not blocked
 * @param timestampMillis    when the event was raised
 * @param fleetWide          whether {@code count} is the fleet's (every instance's denials, counted on
 *                           Redis) rather than this instance's alone
 */
public record IntrusionEvent(Kind kind, String source, int count, Duration window, List<Sample> samples,
        boolean blocked, long blockedUntilMillis, long timestampMillis, boolean fleetWide) {

    /** An event counted by this instance alone. */
    public IntrusionEvent(Kind kind, String source, int count, Duration window, List<Sample> samples,
            boolean blocked, long blockedUntilMillis, long timestampMillis) {
        this(kind, source, count, window, samples, blocked, blockedUntilMillis, timestampMillis, false);
    }

    public IntrusionEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(window, "window");
        samples = List.copyOf(samples);
    }

    /** What raised an event; {@link #code()} is its label in logs, metrics and webhooks. */
    public enum Kind {
        THRESHOLD_CLIENT("threshold_client"),
        THRESHOLD_SUBJECT("threshold_subject"),
        INSTANT("instant");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /**
     * One denial kept as evidence.
     *
     * @param path the normalized path, or the raw target (truncated) when it was refused; may be null
     */
    public record Sample(long timestampMillis, Reason reason, String path) {
        public Sample {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** The reason of the oldest sample, or null when there are none. */
    public Reason firstReason() {
        return samples.isEmpty() ? null : samples.get(0).reason();
    }

    /** The reason of the newest sample (the one that tripped), or null when there are none. */
    public Reason lastReason() {
        return samples.isEmpty() ? null : samples.get(samples.size() - 1).reason();
    }

    /** Reason code → how many of the samples had it, most frequent first. */
    public Map<String, Integer> reasonCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Sample s : samples) {
            counts.merge(s.reason().code(), 1, Integer::sum);
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEachOrdered(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
