package dev.portcullis.denials;

/**
 * One line of an audit log, classified. Only {@link Decision} lines are counted; the others are
 * tallied so a report can say how much of its input it skipped and why.
 */
public sealed interface AuditLine permits AuditLine.Decision, AuditLine.OutsideWindow, AuditLine.OtherEvent,
        AuditLine.NotJson, AuditLine.InvalidDecision {

    /**
     * An {@code "event":"decision"} line. Absent {@code route}, {@code reason} and {@code client}
     * read as {@code "-"} (as in the metrics' route label); an absent subject stays null.
     *
     * @param epochMillis the {@code ts} field
     * @param outcome     the {@code decision} field
     */
    record Decision(long epochMillis, Outcome outcome, String reason, String route, String client, String subject)
            implements AuditLine {
    }

    /**
     * A decision whose timestamp lies outside the range the parser was asked for. It is read only
     * up to its {@code ts}, {@code event} and {@code decision} fields (the first ones the proxy
     * writes), which is what makes skipping most of a large log cheap.
     */
    record OutsideWindow(long epochMillis) implements AuditLine {
    }

    /** A JSON object whose event is not a decision, e.g. {@code audit_dropped} (with its {@code count}). */
    record OtherEvent(String event, long count) implements AuditLine {
    }

    /** Not one JSON object: another program's output in a mixed log, a torn line, a blank line. */
    record NotJson(boolean blank) implements AuditLine {
    }

    /** A decision line without a readable {@code ts} or a known {@code decision} value. */
    record InvalidDecision(String problem) implements AuditLine {
    }

    /** The {@code decision} field: allow, deny (a 4xx refusal) or error (a 5xx). */
    enum Outcome {
        ALLOW, DENY, ERROR;

        static Outcome of(String text) {
            if (text == null) {
                return null;
            }
            switch (text) {
                case "allow": return ALLOW;
                case "deny": return DENY;
                case "error": return ERROR;
                default: return null;
            }
        }
    }
}
