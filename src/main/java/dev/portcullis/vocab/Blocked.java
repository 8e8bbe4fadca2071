package dev.portcullis.vocab;

import java.util.Objects;

/**
 * A source refused at once until {@code untilMillis}. One instance per block, handed out by
 * {@link IntrusionDetector#isBlocked} without allocation.
 *
 * @param kind        {@code client} or {@code subject}
 * @param source      the blocked client or subject key
 * @param untilMillis epoch millis at which the block ends
 * @param status      the status to answer with: 429 or 403
 */
public record Blocked(String kind, String source, long untilMillis, int status) {

    public Blocked {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
    }

    /** Seconds until the block ends, rounded up, at least 1: the value of {@code Retry-After}. */
    public long retryAfterSeconds(long nowMillis) {
        return Math.max(1, (untilMillis - nowMillis + 999) / 1000);
    }
}
