package dev.portcullis.denials;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What {@code portcullis denials} found: totals within the window, the top keys of each kind, and
 * an account of the input (what was skipped and why).
 *
 * @param input         the file name, or {@code -} for stdin
 * @param window        the time range counted, or null when the input held no decision at all
 * @param includeErrors whether {@code error} decisions were counted as denials
 * @param totals        decisions within the window
 * @param clients       top sources
 * @param subjects      top verified subjects (denials without one are {@link Totals#anonymous})
 * @param routes        top routes ({@code -} for no route)
 * @param reasons       top reason codes
 * @param pairs         top (client, reason) pairs
 * @param overflow      per list, denials not ranked because the distinct-key cap was reached
 * @param lines         the input, line by line
 */
public record DenialReport(
        String input,
        Window window,
        boolean includeErrors,
        Totals totals,
        List<Counted<String>> clients,
        List<Counted<String>> subjects,
        List<Counted<String>> routes,
        List<Counted<String>> reasons,
        List<Counted<ClientReason>> pairs,
        Overflow overflow,
        Lines lines) {

    public DenialReport {
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(totals, "totals");
        clients = List.copyOf(clients);
        subjects = List.copyOf(subjects);
        routes = List.copyOf(routes);
        reasons = List.copyOf(reasons);
        pairs = List.copyOf(pairs);
        Objects.requireNonNull(overflow, "overflow");
        Objects.requireNonNull(lines, "lines");
    }

    /** How the end of the window was chosen. */
    public enum Anchor {
        /** The newest decision's timestamp (the default). */
        NEWEST_LINE,
        /** The clock ({@code --now}). */
        NOW,
        /** {@code --since} and {@code --window}: a fixed range. */
        FIXED
    }

    /** Counted decisions have {@code startMillis <= ts <= endMillis}. */
    public record Window(long startMillis, long endMillis, Anchor anchor) {
    }

    /**
     * @param decisions all decisions within the window
     * @param denied    counted denials: deny, plus error with {@code --include-errors}
     * @param anonymous counted denials that carried no verified subject
     */
    public record Totals(long decisions, long allowed, long deny, long error, long denied, long anonymous) {
        /** Counted denials over all decisions in the window; 0 when there were none. */
        public double denialRate() {
            return decisions == 0 ? 0 : (double) denied / decisions;
        }
    }

    /** One ranked key with its count and when it was first and last seen within the window. */
    public record Counted<K>(K key, long count, long firstMillis, long lastMillis) {
    }

    /** A source and the reason it was refused for. */
    public record ClientReason(String client, String reason) {
    }

    /** Counted denials whose key arrived after the cap of distinct keys, per list. */
    public record Overflow(int maxKeys, long clients, long subjects, long routes, long reasons, long pairs) {
        public boolean any() {
            return clients + subjects + routes + reasons + pairs > 0;
        }
    }

    /**
     * @param read           every line of the input
     * @param decisions      decision lines, within the window or not
     * @param outsideWindow  decision lines before the window's start or after its end
     * @param otherEvents    JSON lines of other events, by event name
     * @param auditDropped   the sum of {@code audit_dropped} counts: decisions the proxy never wrote
     * @param notJson        lines that were not one JSON object (mixed logs, torn lines)
     * @param blank          empty lines
     * @param invalid        decision lines without a readable ts or decision
     * @param tooLong        lines over the length limit, skipped unread
     */
    public record Lines(long read, long decisions, long outsideWindow, Map<String, Long> otherEvents,
            long auditDropped, long notJson, long blank, long invalid, long tooLong) {
        public Lines {
            otherEvents = Collections.unmodifiableMap(new TreeMap<>(otherEvents));
        }
    }
}
