package dev.portcullis.demo;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * One endpoint's rate limit as Okta's management API plays it: {@code limit} requests per
 * one-minute window; each answer says the limit, what remains and when the window resets (UTC
 * epoch seconds), and a request over the limit is refused until then. Thread-safe.
 */
final class RateBudget {
    private final int limit;
    private final Clock clock;
    private long windowEnd;
    private int remaining;

    RateBudget(int limit, Clock clock) {
        if (limit < 1) {
            throw new IllegalArgumentException("a rate limit must be at least 1 a minute: " + limit);
        }
        this.limit = limit;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The outcome of one request: allowed or not, and the three headers' values. */
    record Take(boolean allowed, int limit, int remaining, long reset) {
        Reply stamp(Reply reply) {
            return reply.withHeader("X-Rate-Limit-Limit", Integer.toString(limit))
                    .withHeader("X-Rate-Limit-Remaining", Integer.toString(remaining))
                    .withHeader("X-Rate-Limit-Reset", Long.toString(reset));
        }
    }

    /** Takes one request from the current window, opening a new window once the last has ended. */
    synchronized Take take() {
        Instant now = clock.instant();
        if (now.getEpochSecond() >= windowEnd) {
            windowEnd = now.getEpochSecond() + 60;
            remaining = limit;
        }
        if (remaining == 0) {
            return new Take(false, limit, 0, windowEnd);
        }
        remaining--;
        return new Take(true, limit, remaining, windowEnd);
    }
}
