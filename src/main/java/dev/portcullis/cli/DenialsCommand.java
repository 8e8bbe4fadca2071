package dev.portcullis.cli;

import dev.portcullis.denials.AuditInput;
import dev.portcullis.denials.DenialReport;
import dev.portcullis.denials.DenialReportJson;
import dev.portcullis.denials.DenialReportText;
import dev.portcullis.denials.DenialScan;
import dev.portcullis.config.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis denials}: who is being refused, where and why, from an audit log. Streams the
 * input in bounded memory. Exit 0 when the report was printed, 2 when the input cannot be read or
 * an option is invalid.
 */
@Command(name = "denials", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Summarize the denials in an audit log (a file, '-' or nothing for stdin; gzip is read too): "
                + "totals and denial rate, then top sources, subjects, routes, reasons and (client, reason) pairs, "
                + "each with first and last seen.",
            "The window ends at the newest decision in the input, or now with --now; --since sets its start.",
            "Exit status: 0 done, 2 unreadable input or invalid options."})
public final class DenialsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Parameters(index = "0", arity = "0..1", paramLabel = "FILE", defaultValue = "-",
            description = "the audit log; '-' (the default) reads stdin")
    String file;
    @Option(names = "--window", paramLabel = "DURATION",
            description = "length of the window: 30s, 15m, 2h, 1d (default: 15m)")
    String window;
    @Option(names = "--since", paramLabel = "TIME",
            description = "start of the window, ISO-8601 (2026-11-28T10:00:00Z); with --window the window is "
                    + "[TIME, TIME+DURATION], without it runs to the newest decision (or now)")
    String since;
    @Option(names = "--now", description = "end the window now instead of at the newest decision")
    boolean now;
    @Option(names = "--top", paramLabel = "N", defaultValue = "10", description = "entries per list (default: ${DEFAULT-VALUE})")
    int top;
    @Option(names = "--include-errors", description = "count 'error' decisions (5xx: upstream or keys failing) as denials")
    boolean includeErrors;
    @Option(names = "--json", description = "one JSON object instead of the readable report")
    boolean json;
    @Option(names = "--max-keys", paramLabel = "N", defaultValue = "100000",
            description = "distinct keys counted per list; later keys are summed as (other) (default: ${DEFAULT-VALUE})")
    int maxKeys;

    private final Clock clock;
    private final InputStream stdin;

    public DenialsCommand() {
        this(Clock.systemUTC(), System.in);
    }

    /** For tests: a fixed clock for {@code --now}, and what stdin holds. */
    public DenialsCommand(Clock clock, InputStream stdin) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.stdin = Objects.requireNonNull(stdin, "stdin");
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        DenialScan.Options options;
        try {
            options = options();
        } catch (IllegalArgumentException e) {
            err.println("denials: " + e.getMessage());
            return 2;
        }
        DenialReport report;
        try (AuditInput input = "-".equals(file) ? AuditInput.stream("stdin", stdin) : AuditInput.file(Path.of(file))) {
            report = DenialScan.run(input, options);
        } catch (NoSuchFileException e) {
            err.println("denials: cannot read " + file + ": no such file");
            return 2;
        } catch (AccessDeniedException e) {
            err.println("denials: cannot read " + file + ": permission denied");
            return 2;
        } catch (IOException | RuntimeException e) {
            err.println("denials: cannot read " + file + ": " + e.getMessage());
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(json ? DenialReportJson.render(report) : DenialReportText.render(report));
        out.flush();
        return 0;
    }

    private DenialScan.Options options() {
        Duration w = null;
        if (window != null) {
            w = Durations.parse(window);
            if (w == null || w.isZero() || w.toDays() > 36_500) {
                throw new IllegalArgumentException("--window must be a duration of at most 100 years, such as 30s, 15m, "
                        + "2h, 1d; was '" + window + "'");
            }
        }
        if (top < 1 || maxKeys < 1) {
            throw new IllegalArgumentException("--top and --max-keys must be at least 1");
        }
        return new DenialScan.Options(w, since == null ? null : instant(since), now ? clock.instant() : null,
                includeErrors, top, maxKeys, DenialScan.DEFAULT_MAX_LINE_BYTES);
    }

    private static Instant instant(String text) {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--since must be an ISO-8601 time with an offset, such as "
                    + "2026-11-28T10:00:00Z; was '" + text + "'");
        }
    }
}
