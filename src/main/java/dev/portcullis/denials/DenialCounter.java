package dev.portcullis.denials;

import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts the denials of one pass over an audit log within a known time range. Memory is bounded
 * by the distinct-key cap of each list, never by the number of lines.
 */
final class DenialCounter {
    /** Distinct event names kept for the "other events" account; more are summed under {@code (other)}. */
    private static final int MAX_EVENT_NAMES = 32;
    private static final Comparator<DenialReport.ClientReason> PAIR_ORDER =
            Comparator.comparing(DenialReport.ClientReason::client).thenComparing(DenialReport.ClientReason::reason);

    private final AuditLineParser parser;
    private final boolean includeErrors;
    private final int maxKeys;
    private final KeyTally<String> clients;
    private final KeyTally<String> subjects;
    private final KeyTally<String> routes;
    private final KeyTally<String> reasons;
    private final KeyTally<DenialReport.ClientReason> pairs;
    private final Map<String, Long> otherEvents = new HashMap<>();

    private long read;
    private long decisionLines;
    private long outside;
    private long auditDropped;
    private long notJson;
    private long blank;
    private long invalid;
    private long allowed;
    private long deny;
    private long error;
    private long denied;
    private long anonymous;
    private long newest = Long.MIN_VALUE;

    /** Counts decisions with {@code start <= ts <= end}. */
    DenialCounter(long start, long end, boolean includeErrors, int maxKeys) {
        this.parser = new AuditLineParser(start, end);
        this.includeErrors = includeErrors;
        this.maxKeys = maxKeys;
        this.clients = new KeyTally<>(maxKeys);
        this.subjects = new KeyTally<>(maxKeys);
        this.routes = new KeyTally<>(maxKeys);
        this.reasons = new KeyTally<>(maxKeys);
        this.pairs = new KeyTally<>(maxKeys);
    }

    /** Parses and counts one line of the input. */
    void line(byte[] buf, int off, int len) {
        accept(parser.parse(buf, off, len));
    }

    void accept(AuditLine line) {
        read++;
        if (line instanceof AuditLine.Decision d) {
            decision(d);
        } else if (line instanceof AuditLine.OutsideWindow) {
            decisionLines++;
            outside++;
        } else if (line instanceof AuditLine.OtherEvent o) {
            String name = otherEvents.size() < MAX_EVENT_NAMES || otherEvents.containsKey(o.event()) ? o.event() : "(other)";
            otherEvents.merge(name, 1L, Long::sum);
            if ("audit_dropped".equals(o.event())) {
                auditDropped += Math.max(0, o.count());
            }
        } else if (line instanceof AuditLine.NotJson n) {
            if (n.blank()) {
                blank++;
            } else {
                notJson++;
            }
        } else {
            invalid++;
        }
    }

    private void decision(AuditLine.Decision d) {
        decisionLines++;
        long t = d.epochMillis();
        newest = Math.max(newest, t);
        switch (d.outcome()) {
            case ALLOW: allowed++; return;
            case DENY: deny++; break;
            case ERROR: error++; if (!includeErrors) { return; } break;
            default: throw new IllegalStateException(d.outcome().name());
        }
        denied++;
        clients.add(d.client(), t);
        routes.add(d.route(), t);
        reasons.add(d.reason(), t);
        pairs.add(new DenialReport.ClientReason(d.client(), d.reason()), t);
        if (d.subject() == null) {
            anonymous++;
        } else {
            subjects.add(d.subject(), t);
        }
    }

    /** The newest counted timestamp, or {@link Long#MIN_VALUE} when nothing fell in the range. */
    long newest() {
        return newest;
    }

    DenialReport report(String input, DenialReport.Window window, int top, long tooLong) {
        Comparator<String> byText = Comparator.naturalOrder();
        return new DenialReport(input, window, includeErrors,
                new DenialReport.Totals(allowed + deny + error, allowed, deny, error, denied, anonymous),
                clients.top(top, byText), subjects.top(top, byText), routes.top(top, byText),
                reasons.top(top, byText), pairs.top(top, PAIR_ORDER),
                new DenialReport.Overflow(maxKeys, clients.otherCount(), subjects.otherCount(), routes.otherCount(),
                        reasons.otherCount(), pairs.otherCount()),
                new DenialReport.Lines(read + tooLong, decisionLines, outside, otherEvents, auditDropped, notJson,
                        blank, invalid, tooLong));
    }
}
