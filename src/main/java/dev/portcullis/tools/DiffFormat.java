package dev.portcullis.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link PolicyDiff}. Columns, in every format: effect ({@code gain} or {@code loss}),
 * route, method ({@code *} for the whole route), change, subject.
 */
public final class DiffFormat {
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
        long gains = d.changes().stream().filter(c -> c.effect() == PolicyDiff.Effect.GAIN).count();
        long losses = d.changes().size() - gains;
        return d.changes().isEmpty() ? "No access changes." : gains + " gain" + (gains == 1 ? "" : "s") + ", "
                + losses + " loss" + (losses == 1 ? "" : "es") + ".";
    }

    private static String effect(PolicyDiff.Change c) {
        return c.effect().name().toLowerCase(Locale.ROOT);
    }

    private static String markdown(PolicyDiff d) {
        StringBuilder sb = new StringBuilder("# ").append(title(d)).append("\n\n").append(summary(d)).append('\n');
        if (d.changes().isEmpty()) {
            return sb.toString();
        }
        sb.append("\n| effect | route | method | change | subject |\n|---|---|---|---|---|\n");
        for (PolicyDiff.Change c : d.changes()) {
            sb.append("| ").append(c.effect() == PolicyDiff.Effect.GAIN ? "**gain**" : "loss").append(" | ")
                    .append(Cells.mdCode(c.route())).append(" | ").append(c.method().equals("*") ? "all"
                            : c.method()).append(" | ").append(c.change()).append(" | ")
                    .append(Cells.mdCode(c.subject())).append(" |\n");
        }
        return sb.toString();
    }

    private static String csv(PolicyDiff d) {
        StringBuilder sb = new StringBuilder(Cells.csvLine("effect", "route", "method", "change", "subject"));
        for (PolicyDiff.Change c : d.changes()) {
            sb.append(Cells.csvLine(effect(c), c.route(), c.method(), c.change(), c.subject()));
        }
        return sb.toString();
    }

    private static String html(PolicyDiff d) {
        StringBuilder sb = new StringBuilder("<p>").append(Cells.html(summary(d))).append("</p>\n");
        if (!d.changes().isEmpty()) {
            sb.append("<table>\n<thead><tr><th>effect</th><th>route</th><th>method</th><th>change</th>"
                    + "<th>subject</th></tr></thead>\n<tbody>\n");
            for (PolicyDiff.Change c : d.changes()) {
                sb.append("<tr><td class=\"").append(effect(c)).append("\">").append(effect(c))
                        .append("</td><td><code>").append(Cells.html(c.route())).append("</code></td><td>")
                        .append(c.method().equals("*") ? "all" : Cells.html(c.method())).append("</td><td>")
                        .append(Cells.html(c.change()))
                        .append("</td><td><code>").append(Cells.html(c.subject())).append("</code></td></tr>\n");
            }
            sb.append("</tbody>\n</table>\n");
        }
        return Cells.htmlPage(title(d), sb.toString());
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
            changes.add(o);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("old", d.oldSource());
        out.put("new", d.newSource());
        out.put("gain", d.hasGain());
        out.put("changes", changes);
        return Cells.json(out);
    }
}
