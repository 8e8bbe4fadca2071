package dev.portcullis.config;

import java.time.Duration;

/**
 * {@code outlier_detection}: when an upstream of a list leaves the rotation. A null member was not
 * written and is taken from {@code upstream_defaults.outlier_detection} ({@link #orElse}).
 *
 * @param consecutiveFailures connect failures, timeouts, resets or 5xx answers in a row that eject an
 *                            upstream; 0 turns ejection off
 * @param baseEjection        the first ejection's length; each ejection that follows within
 *                            {@code maxEjection} of the previous return doubles it
 * @param maxEjection         the longest ejection
 * @param maxEjectedPercent   the share of a route's upstreams that may be out at once (one may always be,
 *                            the last one never)
 */
public record OutlierConfig(Integer consecutiveFailures, Duration baseEjection, Duration maxEjection,
        Integer maxEjectedPercent) {

    public static OutlierConfig defaults() {
        return new OutlierConfig(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 50);
    }

    /** This one with what it does not say taken from {@code d}. */
    public OutlierConfig orElse(OutlierConfig d) {
        return new OutlierConfig(consecutiveFailures != null ? consecutiveFailures : d.consecutiveFailures(),
                baseEjection != null ? baseEjection : d.baseEjection(),
                maxEjection != null ? maxEjection : d.maxEjection(),
                maxEjectedPercent != null ? maxEjectedPercent : d.maxEjectedPercent());
    }
}
