package dev.portcullis.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link PolicyDiff}. Columns, in every format: effect ({@code gain} or {@code loss} of
 * effective access, or {@code none} for a rule change that changes no access), route, method
 * ({@code *} for the whole route), change, subject, and requests (the requests a gain or loss
 * concerns). Markdown and HTML list the rule changes that change no access in a section of their
 * own; CSV and JSON in the same table, as {@code none}.
 */
public final class DiffFormat {
    static final String RULES_ONLY = "Rule changes that do not change access";

    private DiffFormat() {
    }

    public static String render(PolicyDiff d, ReportFormat format) {
        return switch (format) {
            case MARKDOWN -> markdown(d);
            case CSV -> csv(d);
            case HTML -> html(d);
            case JSON -> json(d);
        };
    }

    private static String title(PolicyDiff d) {
        return "Access changes: " + d.oldSource() + " -> " + d.newSource();
    }

    private static String summary(PolicyDiff d) {
        long gains = count(d, PolicyDiff.Effect.GAIN);
        long losses = count(d, PolicyDiff.Effect.LOSS);
        long rules = count(d, PolicyDiff.Effect.NONE);
        String s = gains + losses == 0 ? "No access changes." : gains + " gain" + (gains == 1 ? "" : "s") + ", "
                + losses + " loss" + (losses == 1 ? "" : "es") + ".";
        if (rules > 0) {
            s += " " + rules + " rule change" + (rules == 1 ? " does" : "s do") + " not change access.";
        }
        return s;
    }

    private static long count(PolicyDiff d, PolicyDiff.Effect e) {
        return d.changes().stream().filter(c -> c.effect() == e).count();
    }

    private static List<PolicyDiff.Change> access(PolicyDiff d) {
        return d.changes().stream().filter(c -> c.effect() != PolicyDiff.Effect.NONE).toList();
    }

    private static List<PolicyDiff.Change> rulesOnly(PolicyDiff d) {
        return d.changes().stream().filter(c -> c.effect() == PolicyDiff.Effect.NONE).toList();
    }

    private static String effect(PolicyDiff.Change c) {
        return c.effect().name().toLowerCase(Locale.ROOT);
    }

    private static String notes(PolicyDiff d) {
        StringBuilder sb = new StringBuilder();
        d.notes().forEach(n -> sb.append("Incomplete (counted as a gain): ").append(n).append('\n'));
        return sb.toString();
    }

    private static String markdown(PolicyDiff d) {
        StringBuilder sb = new StringBuilder("# ").append(title(d)).append("\n\n").append(summary(d)).append('\n');
        if (!d.notes().isEmpty()) {
            sb.append('\n').append(notes(d));
        }
        if (!access(d).isEmpty()) {
            sb.append("\n| effect | route | method | change | subject | requests |\n|---|---|---|---|---|---|\n");
            access(d).forEach(c -> markdownRow(sb, c, c.effect() == PolicyDiff.Effect.GAIN ? "**gain**" : "loss"));
        }
        if (!rulesOnly(d).isEmpty()) {
            sb.append("\n## ").append(RULES_ONLY).append("\n\n| effect | route | method | change | subject | requests |"
                    + "\n|---|---|---|---|---|---|\n");
            rulesOnly(d).forEach(c -> markdownRow(sb, c, "none"));
        }
        return sb.toString();
    }

    private static void markdownRow(StringBuilder sb, PolicyDiff.Change c, String effect) {
        sb.append("| ").append(effect).append(" | ").append(Cells.mdCode(c.route())).append(" | ")
                .append(c.method().equals("*") ? "all" : c.method()).append(" | ").append(c.change()).append(" | ")
                .append(Cells.mdCode(c.subject())).append(" | ")
                .append(c.requests().isEmpty() ? "" : Cells.mdCode(c.requests())).append(" |\n");
    }

    private static String csv(PolicyDiff d) {
        StringBuilder sb = new StringBuilder(Cells.csvLine("effect", "route", "method", "change", "subject",
                "requests"));
        for (PolicyDiff.Change c : d.changes()) {
            sb.append(Cells.csvLine(effect(c), c.route(), c.method(), c.change(), c.subject(), c.requests()));
        }
        return sb.toString();
    }

    private static String html(PolicyDiff d) {
        StringBuilder sb = new StringBuilder("<p>").append(Cells.html(summary(d))).append("</p>\n");
        d.notes().forEach(n -> sb.append("<p class=\"gain\">")
                .append(Cells.html("Incomplete (counted as a gain): " + n)).append("</p>\n"));
        htmlTable(sb, access(d));
        if (!rulesOnly(d).isEmpty()) {
            sb.append("<h2>").append(RULES_ONLY).append("</h2>\n");
            htmlTable(sb, rulesOnly(d));
        }
        return Cells.htmlPage(title(d), sb.toString());
    }

    private static void htmlTable(StringBuilder sb, List<PolicyDiff.Change> rows) {
        if (rows.isEmpty()) {
            return;
        }
        sb.append("<table>\n<thead><tr><th>effect</th><th>route</th><th>method</th><th>change</th>"
                + "<th>subject</th><th>requests</th></tr></thead>\n<tbody>\n");
        for (PolicyDiff.Change c : rows) {
            sb.append("<tr><td class=\"").append(effect(c)).append("\">").append(effect(c))
                    .append("</td><td><code>").append(Cells.html(c.route())).append("</code></td><td>")
                    .append(c.method().equals("*") ? "all" : Cells.html(c.method())).append("</td><td>")
                    .append(Cells.html(c.change()))
                    .append("</td><td><code>").append(Cells.html(c.subject())).append("</code></td><td><code>")
                    .append(Cells.html(c.requests())).append("</code></td></tr>\n");
        }
        sb.append("</tbody>\n</table>\n");
    }

    private static String json(PolicyDiff d) {
        List<Map<String, Object>> changes = new ArrayList<>();
        for (PolicyDiff.Change c : d.changes()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("effect", effect(c));
            o.put("route", c.route());
            o.put("method", c.method());
            o.put("change", c.change());
            o.put("subject", c.subject());
            o.put("requests", c.requests());
            changes.add(o);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("old", d.oldSource());
        out.put("new", d.newSource());
        out.put("gain", d.hasGain());
        out.put("changes", changes);
        out.put("notes", d.notes());
        return Cells.json(out);
    }
}
