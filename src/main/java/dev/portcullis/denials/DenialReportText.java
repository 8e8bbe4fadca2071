package dev.portcullis.denials;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** Renders a {@link DenialReport} as a readable report: totals, then one table per list. */
public final class DenialReportText {
    private DenialReportText() {
    }

    public static String render(DenialReport r) {
        StringBuilder b = new StringBuilder(4096);
        b.append("denials in ").append(r.input()).append('\n');
        b.append("window     ").append(window(r.window())).append("\n\n");
        DenialReport.Totals t = r.totals();
        b.append(String.format(Locale.ROOT, "decisions  %d   allowed %d   deny %d   error %d%s%n", t.decisions(),
                t.allowed(), t.deny(), t.error(), r.includeErrors() ? " (counted as denials)" : " (not counted)"));
        b.append(String.format(Locale.ROOT, "denials    %d   denial rate %.1f%%   without a verified subject %d%n",
                t.denied(), 100 * t.denialRate(), t.anonymous()));
        DenialReport.Overflow o = r.overflow();
        table(b, "top sources", "client", r.clients(), o.clients(), t.denied(), Function.identity());
        table(b, "top subjects", "subject", r.subjects(), o.subjects(), t.denied(), Function.identity());
        table(b, "top routes", "route", r.routes(), o.routes(), t.denied(), Function.identity());
        table(b, "top reasons", "reason", r.reasons(), o.reasons(), t.denied(), Function.identity());
        table(b, "top (client, reason)", "client  reason", r.pairs(), o.pairs(), t.denied(),
                p -> p.client() + "  " + p.reason());
        b.append('\n').append(lines(r.lines())).append('\n');
        if (r.lines().auditDropped() > 0) {
            b.append("warning: the proxy dropped ").append(r.lines().auditDropped())
                    .append(" audit lines (audit_dropped): the counts above are a lower bound\n");
        }
        if (o.any()) {
            b.append("note: a list reached ").append(o.maxKeys())
                    .append(" distinct keys (--max-keys); denials of keys first seen after that are counted as (other)\n");
        }
        return b.toString();
    }

    private static String window(DenialReport.Window w) {
        if (w == null) {
            return "(no decision in the input)";
        }
        String how;
        switch (w.anchor()) {
            case NOW: how = "ending now"; break;
            case FIXED: how = "from --since"; break;
            default: how = "ending at the newest decision"; break;
        }
        return ts(w.startMillis()) + " .. " + ts(w.endMillis()) + "  ("
                + formatDuration(w.endMillis() - w.startMillis()) + ", " + how + ")";
    }

    private static <K> void table(StringBuilder b, String title, String keyHeader, List<DenialReport.Counted<K>> rows,
            long other, long denied, Function<K, String> key) {
        b.append('\n').append(title).append('\n');
        if (rows.isEmpty()) {
            b.append("  (none)\n");
            return;
        }
        b.append(String.format(Locale.ROOT, "  %8s  %6s  %-24s  %-24s  %s%n", "denials", "share", "first seen",
                "last seen", keyHeader));
        for (DenialReport.Counted<K> c : rows) {
            b.append(String.format(Locale.ROOT, "  %8d  %5.1f%%  %-24s  %-24s  %s%n", c.count(),
                    share(c.count(), denied), ts(c.firstMillis()), ts(c.lastMillis()), key.apply(c.key())));
        }
        if (other > 0) {
            b.append(String.format(Locale.ROOT, "  %8d  %5.1f%%  %-24s  %-24s  %s%n", other, share(other, denied), "",
                    "", "(other)"));
        }
    }

    private static String lines(DenialReport.Lines l) {
        StringBuilder b = new StringBuilder("input      ");
        b.append(l.read()).append(" lines: ").append(count(l.decisions(), "decision")).append(" (")
                .append(l.outsideWindow()).append(" outside the window)");
        long others = l.otherEvents().values().stream().mapToLong(Long::longValue).sum();
        b.append(", ").append(count(others, "other event"));
        if (others > 0) {
            StringBuilder names = new StringBuilder();
            l.otherEvents().forEach((k, v) -> names.append(names.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
            b.append(" (").append(names).append(')');
        }
        b.append(", ").append(l.notJson()).append(" not JSON, ").append(count(l.invalid(), "invalid decision"));
        if (l.blank() > 0) {
            b.append(", ").append(l.blank()).append(" blank");
        }
        if (l.tooLong() > 0) {
            b.append(", ").append(l.tooLong()).append(" too long");
        }
        return b.toString();
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    private static double share(long n, long of) {
        return of == 0 ? 0 : 100.0 * n / of;
    }

    private static String ts(long millis) {
        return Timestamps.format(millis);
    }

    /** 15m, 1h30m, 2d, 42s, 3s928ms, 0ms: exact, in the largest units that fit. */
    static String formatDuration(long ms) {
        if (ms == 0) {
            return "0ms";
        }
        StringBuilder b = new StringBuilder();
        long[] units = {86_400_000, 3_600_000, 60_000, 1000, 1};
        String[] names = {"d", "h", "m", "s", "ms"};
        long rest = ms;
        for (int i = 0; i < units.length; i++) {
            if (rest >= units[i]) {
                b.append(rest / units[i]).append(names[i]);
                rest %= units[i];
            }
        }
        return b.toString();
    }
}
