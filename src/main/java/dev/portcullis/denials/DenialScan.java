package dev.portcullis.denials;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Reads an audit log and reports its denials within a time window. The window ends at the newest
 * decision's timestamp unless the options fix it: that end is only known at the end of the input,
 * so it takes two streaming passes (stdin is first spooled to a temporary file). With
 * {@code --now} or {@code --since} the start is known up front and one pass suffices.
 */
public final class DenialScan {
    public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(15);
    public static final int DEFAULT_MAX_KEYS = 100_000;
    public static final int DEFAULT_MAX_LINE_BYTES = 1 << 20;

    private DenialScan() {
    }

    /**
     * @param window        length of the window; null for the default (15m)
     * @param since         start of the window, or null; with {@code window} it fixes the range
     * @param now           end of the window, or null for the newest decision
     * @param includeErrors count {@code error} decisions (5xx) as denials
     * @param top           entries per list
     * @param maxKeys       distinct keys kept per list
     * @param maxLineBytes  longer lines are skipped and counted
     */
    public record Options(Duration window, Instant since, Instant now, boolean includeErrors, int top, int maxKeys,
            int maxLineBytes) {
        public Options {
            if (window != null && (window.isNegative() || window.isZero())) {
                throw new IllegalArgumentException("window must be positive");
            }
            if (window != null && since != null && now != null) {
                throw new IllegalArgumentException("--now cannot be combined with both --since and --window");
            }
            if (top < 1 || maxKeys < 1 || maxLineBytes < 1) {
                throw new IllegalArgumentException("top, maxKeys and maxLineBytes must be positive");
            }
        }
    }

    /** Runs the scan; an I/O error (including corrupt gzip) propagates. */
    public static DenialReport run(AuditInput input, Options o) throws IOException {
        Objects.requireNonNull(input, "input");
        Duration w = o.window() == null ? DEFAULT_WINDOW : o.window();
        if (o.since() != null) {
            long start = o.since().toEpochMilli();
            if (o.window() != null) {
                return finish(input, o, start, start + w.toMillis(), DenialReport.Anchor.FIXED);
            }
            long end = o.now() == null ? Long.MAX_VALUE : o.now().toEpochMilli();
            return finish(input, o, start, end, o.now() == null ? DenialReport.Anchor.NEWEST_LINE : DenialReport.Anchor.NOW);
        }
        if (o.now() != null) {
            long end = o.now().toEpochMilli();
            return finish(input, o, end - w.toMillis(), end, DenialReport.Anchor.NOW);
        }
        try (AuditInput twice = input.spool()) {
            long newest = newestDecision(twice, o);
            if (newest == Long.MIN_VALUE) {
                // No decision at all: count the lines only, with an empty range.
                return finish(twice, o, Long.MAX_VALUE, Long.MIN_VALUE, DenialReport.Anchor.NEWEST_LINE);
            }
            return finish(twice, o, newest - w.toMillis(), newest, DenialReport.Anchor.NEWEST_LINE);
        }
    }

    private static DenialReport finish(AuditInput input, Options o, long start, long end, DenialReport.Anchor anchor)
            throws IOException {
        Tallied t = count(input, o, start, end);
        DenialReport.Window window;
        if (start > end) {
            window = null;
        } else if (end == Long.MAX_VALUE) {
            // --since alone: the window runs to the newest decision counted.
            window = new DenialReport.Window(start, Math.max(start, t.counter.newest()), anchor);
        } else {
            window = new DenialReport.Window(start, end, anchor);
        }
        return t.counter.report(input.name(), window, o.top(), t.tooLong);
    }

    private record Tallied(DenialCounter counter, long tooLong) {
    }

    private static Tallied count(AuditInput input, Options o, long start, long end) throws IOException {
        DenialCounter counter = new DenialCounter(start, end, o.includeErrors(), o.maxKeys());
        try (InputStream in = input.open()) {
            LineReader reader = new LineReader(in, o.maxLineBytes());
            reader.readAll(counter::line);
            return new Tallied(counter, reader.tooLong());
        }
    }

    private static long newestDecision(AuditInput input, Options o) throws IOException {
        // Why an empty range: every decision is then "outside", read only up to its timestamp.
        AuditLineParser parser = new AuditLineParser(Long.MAX_VALUE, Long.MIN_VALUE);
        long[] newest = {Long.MIN_VALUE};
        try (InputStream in = input.open()) {
            new LineReader(in, o.maxLineBytes()).readAll((buf, off, len) -> {
                if (parser.parse(buf, off, len) instanceof AuditLine.OutsideWindow d) {
                    newest[0] = Math.max(newest[0], d.epochMillis());
                }
            });
        }
        return newest[0];
    }
}
