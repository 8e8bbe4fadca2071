package dev.portcullis.directory;

import java.net.http.HttpHeaders;
import java.util.OptionalLong;

/**
 * Okta's rate limit as its last answer stated it: {@code X-Rate-Limit-Remaining} calls until
 * {@code X-Rate-Limit-Reset} (UTC epoch seconds). With none remaining, no new call starts before
 * the reset. Shared by every call of one client; the org's budget is shared by all its callers.
 */
final class RateLimit {
    /** Waits longer than this are not waited: the call fails as rate-limited (a wrong clock, a bad header). */
    static final long MAX_WAIT_MILLIS = 60_000;
    /** The first back-off after a 429 that names no usable reset; doubled per retry. */
    static final long FIRST_BACKOFF_MILLIS = 250;

    private volatile long remaining = -1;
    private volatile long resetMillis;

    /** Reads the limit headers of any answer. */
    void update(HttpHeaders h) {
        OptionalLong rem = number(h, "x-rate-limit-remaining");
        OptionalLong reset = number(h, "x-rate-limit-reset");
        if (reset.isPresent()) {
            resetMillis = reset.getAsLong() * 1000;
        }
        if (rem.isPresent()) {
            remaining = rem.getAsLong();
        }
    }

    /** A 429: nothing remains until the reset, whatever the headers said. */
    void exhausted(HttpHeaders h) {
        update(h);
        remaining = 0;
    }

    /** How long a new call must wait now: 0 when it may start. */
    long waitMillis(long nowMillis) {
        return remaining == 0 && resetMillis > nowMillis ? resetMillis - nowMillis : 0;
    }

    /** The back-off before retry number {@code attempt} (1, 2, …) after a 429: the reset, at least doubling. */
    long backoffMillis(int attempt, long nowMillis) {
        long doubling = FIRST_BACKOFF_MILLIS << Math.min(attempt - 1, 10);
        return Math.max(waitMillis(nowMillis), doubling);
    }

    private static OptionalLong number(HttpHeaders h, String name) {
        try {
            return h.firstValue(name).map(v -> OptionalLong.of(Long.parseLong(v.trim()))).orElse(OptionalLong.empty());
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
