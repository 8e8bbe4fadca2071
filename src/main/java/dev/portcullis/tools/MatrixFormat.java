package dev.portcullis.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders an {@link AccessMatrix}. Columns, in every format: route, match, method, access
 * ({@code public}, {@code audit}, {@code restricted}, {@code nobody}), allowed, denied, audit
 * (entries in {@code mode: audit}), issuers. Lists are joined with {@code "; "} in CSV; HTML is
 * one self-contained page.
 */
public final class MatrixFormat {
    private MatrixFormat() {
    }

    public static String render(AccessMatrix m, ReportFormat format) {
        return switch (format) {
            case MARKDOWN -> markdown(m);
            case CSV -> csv(m);
            case HTML -> html(m);
            case JSON -> json(m);
        };
    }

    private static String markdown(AccessMatrix m) {
        StringBuilder sb = new StringBuilder("# Access matrix: ").append(m.source()).append("\n\n");
        sb.append("| route | match | method | access | allowed | denied | audit | issuers |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (AccessMatrix.Row r : m.rows()) {
            sb.append("| ").append(Cells.mdCode(r.route())).append(" | ").append(Cells.mdCode(r.match()))
                    .append(" | ").append(r.method()).append(" | ").append(r.access()).append(" | ")
                    .append(r.isPublic() ? "public" : Cells.mdCodes(r.allowed(), "nobody")).append(" | ")
                    .append(Cells.mdCodes(r.denied(), "")).append(" | ")
                    .append(Cells.mdCodes(r.audit(), "")).append(" | ")
                    .append(r.issuers().isEmpty() ? "any" : Cells.mdCodes(r.issuers(), "")).append(" |\n");
        }
        return sb.toString();
    }

    private static String csv(AccessMatrix m) {
        StringBuilder sb = new StringBuilder(Cells.csvLine("route", "match", "method", "access", "allowed", "denied",
                "audit", "issuers"));
        for (AccessMatrix.Row r : m.rows()) {
            sb.append(Cells.csvLine(r.route(), r.match(), r.method(), r.access(),
                    r.isPublic() ? "public" : String.join("; ", r.allowed()), String.join("; ", r.denied()),
                    String.join("; ", r.audit()), String.join("; ", r.issuers())));
        }
        return sb.toString();
    }

    private static String html(AccessMatrix m) {
        StringBuilder sb = new StringBuilder("<table>\n<thead><tr><th>route</th><th>match</th><th>method</th>"
                + "<th>access</th><th>allowed</th><th>denied</th><th>audit</th><th>issuers</th></tr></thead>\n"
                + "<tbody>\n");
        for (AccessMatrix.Row r : m.rows()) {
            sb.append("<tr><td><code>").append(Cells.html(r.route())).append("</code></td><td><code>")
                    .append(Cells.html(r.match())).append("</code></td><td>").append(Cells.html(r.method()))
                    .append("</td><td class=\"").append(r.access()).append("\">").append(r.access())
                    .append("</td><td>").append(r.isPublic() ? "<span class=\"public\">public</span>"
                            : r.allowed().isEmpty() ? "<span class=\"nobody\">nobody</span>" : list(r.allowed()))
                    .append("</td><td>").append(list(r.denied())).append("</td><td>").append(list(r.audit()))
                    .append("</td><td>")
                    .append(r.issuers().isEmpty() ? "any" : list(r.issuers())).append("</td></tr>\n");
        }
        return Cells.htmlPage("Access matrix: " + m.source(), sb.append("</tbody>\n</table>\n").toString());
    }

    private static String list(List<String> values) {
        return values.stream().map(v -> "<code>" + Cells.html(v) + "</code>").collect(Collectors.joining("<br>"));
    }

    private static String json(AccessMatrix m) {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (AccessMatrix.Row r : m.rows()) {
            Map<String, Object> o = new LinkedHashMap<>();
            o.put("route", r.route());
            o.put("match", r.match());
            o.put("method", r.method());
            o.put("access", r.access());
            o.put("allowed", r.allowed());
            o.put("denied", r.denied());
            o.put("audit", r.audit());
            o.put("issuers", r.issuers());
            rows.add(o);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("source", m.source());
        out.put("rows", rows);
        return Cells.json(out);
    }
}
