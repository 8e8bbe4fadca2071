package dev.portcullis.tools;

import java.util.List;

/**
 * Renders a {@link MemberAccess}. Columns, in every format: user, groups, route, match, method,
 * decision ({@code allow}, {@code refuse}), reason. Groups are joined with {@code "; "} in CSV;
 * HTML is one self-contained page. JSON is not offered: the rows are the data.
 */
public final class MemberFormat {
    private static final List<String> HEAD = List.of("user", "groups", "route", "match", "method", "decision",
            "reason");

    private MemberFormat() {
    }

    /** @throws IllegalArgumentException for {@link ReportFormat#JSON} */
    public static String render(MemberAccess m, ReportFormat format) {
        return switch (format) {
            case MARKDOWN -> markdown(m);
            case CSV -> csv(m);
            case HTML -> html(m);
            case JSON -> throw new IllegalArgumentException("--members: csv, markdown or html");
        };
    }

    private static String markdown(MemberAccess m) {
        StringBuilder sb = new StringBuilder("# Access by member: ").append(m.source()).append("\n\n");
        sb.append("| ").append(String.join(" | ", HEAD)).append(" |\n|---|---|---|---|---|---|---|\n");
        for (MemberAccess.Row r : m.rows()) {
            sb.append("| ").append(Cells.mdCode(r.user())).append(" | ").append(Cells.mdCodes(r.groups(), ""))
                    .append(" | ").append(Cells.mdCode(r.route())).append(" | ").append(Cells.mdCode(r.match()))
                    .append(" | ").append(r.method()).append(" | ").append(r.decision()).append(" | ")
                    .append(r.reason()).append(" |\n");
        }
        m.notes().forEach(n -> sb.append("\n- ").append(n.replace("|", "\\|")));
        return m.notes().isEmpty() ? sb.toString() : sb.append('\n').toString();
    }

    private static String csv(MemberAccess m) {
        StringBuilder sb = new StringBuilder(Cells.csvLine(HEAD.toArray(String[]::new)));
        for (MemberAccess.Row r : m.rows()) {
            sb.append(Cells.csvLine(r.user(), String.join("; ", r.groups()), r.route(), r.match(), r.method(),
                    r.decision(), r.reason()));
        }
        return sb.toString();
    }

    private static String html(MemberAccess m) {
        StringBuilder sb = new StringBuilder("<table>\n<tr>");
        HEAD.forEach(h -> sb.append("<th>").append(h).append("</th>"));
        sb.append("</tr>\n");
        for (MemberAccess.Row r : m.rows()) {
            sb.append("<tr><td><code>").append(Cells.html(r.user())).append("</code></td><td>")
                    .append(Cells.html(String.join(", ", r.groups()))).append("</td><td><code>")
                    .append(Cells.html(r.route())).append("</code></td><td><code>").append(Cells.html(r.match()))
                    .append("</code></td><td>").append(r.method()).append("</td><td class=\"")
                    .append(r.decision().equals("allow") ? "gain" : "nobody").append("\">").append(r.decision())
                    .append("</td><td>").append(r.reason()).append("</td></tr>\n");
        }
        sb.append("</table>\n");
        m.notes().forEach(n -> sb.append("<p>").append(Cells.html(n)).append("</p>\n"));
        return Cells.htmlPage("Access by member: " + m.source(), sb.toString());
    }
}
