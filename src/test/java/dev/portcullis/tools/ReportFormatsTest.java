package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every format carries the same rows, and config values never become markup. */
class ReportFormatsTest {
    /** A group name that would break each format if it were not escaped. */
    private static final String NASTY = "<b>x</b>,\"|`";
    private static final PolicyModel MODEL = Fixtures.model(Fixtures.CONFIG.replace("groups_any: [suspended]",
            "groups_any: ['" + NASTY + "']"));
    private static final AccessMatrix MATRIX = AccessMatrix.of(MODEL);

    @Test
    void csvParsesIntoOneRecordPerRowWithTheHeader() {
        List<List<String>> records = parseCsv(MatrixFormat.render(MATRIX, ReportFormat.CSV));

        assertThat(records.get(0)).containsExactly("route", "match", "method", "access", "allowed", "denied",
                "audit", "issuers");
        assertThat(records).hasSize(MATRIX.rows().size() + 1);
        assertThat(records.subList(1, records.size())).allMatch(r -> r.size() == 8);
        assertThat(records.get(1)).containsExactly("orders", "api.example.com/orders/**", "GET", "restricted",
                "group:admins; group:readers; scope:orders.list + scope:orders.read", "group:" + NASTY, "", "");
        assertThat(records.get(records.size() - 1)).startsWith("docs", "/docs/**", "DELETE", "public", "public");
    }

    @Test
    void htmlIsOneSelfContainedPageWithTheTable() {
        String html = MatrixFormat.render(MATRIX, ReportFormat.HTML);

        assertThat(html).startsWith("<!DOCTYPE html>").contains("<style>").contains("<table>")
                .contains("<th>allowed</th>").endsWith("</html>\n");
        assertThat(html).doesNotContain("<script", "<link", "src=", "href=", "@import", "url(");
        assertThat(html).doesNotContain(NASTY).contains("&lt;b&gt;x&lt;/b&gt;,&quot;|`");
        assertThat(html.split("<tr>", -1)).hasSize(MATRIX.rows().size() + 2);
    }

    @Test
    void markdownHasOneTableRowPerMatrixRow() {
        String md = MatrixFormat.render(MATRIX, ReportFormat.MARKDOWN);
        List<String> rows = md.lines().filter(l -> l.startsWith("| ")).toList();

        assertThat(rows).hasSize(MATRIX.rows().size() + 1);
        assertThat(rows.get(1)).isEqualTo("| `orders` | `api.example.com/orders/**` | GET | restricted | "
                + "`group:admins`, `group:readers`, `scope:orders.list + scope:orders.read` | "
                + "`` group:<b>x</b>,\"\\|` `` |  | any |");
        assertThat(rows).allMatch(r -> r.replace("\\|", "").chars().filter(c -> c == '|').count() == 9);
    }

    @Test
    void jsonHasTheRows() throws Exception {
        JsonNode json = new ObjectMapper().readTree(MatrixFormat.render(MATRIX, ReportFormat.JSON));

        assertThat(json.get("source").asText()).isEqualTo("test.yaml");
        assertThat(json.get("rows")).hasSize(MATRIX.rows().size());
        assertThat(json.get("rows").get(0).get("denied").get(0).asText()).isEqualTo("group:" + NASTY);
    }

    @Test
    void diffFormats() throws Exception {
        PolicyDiff d = PolicyDiff.of(Fixtures.model(), MODEL);

        List<List<String>> csv = parseCsv(DiffFormat.render(d, ReportFormat.CSV));
        assertThat(csv.get(0)).containsExactly("effect", "route", "method", "change", "subject", "requests");
        assertThat(csv).hasSize(d.changes().size() + 1).allMatch(r -> r.size() == 6);
        assertThat(csv).contains(
                List.of("gain", "orders", "GET", "access gained", "group:readers + group:suspended",
                        "api.example.com/orders/**"),
                List.of("loss", "orders", "GET", "access lost", "group:" + NASTY + " + group:readers",
                        "api.example.com/orders/**"));
        assertThat(DiffFormat.render(d, ReportFormat.MARKDOWN)).contains("| **gain** | `orders` | GET | access gained | "
                + "`group:readers + group:suspended` | `api.example.com/orders/**` |");
        assertThat(DiffFormat.render(d, ReportFormat.HTML)).contains("<td class=\"gain\">gain</td>")
                .contains("<th>requests</th>").doesNotContain(NASTY);
        JsonNode json = new ObjectMapper().readTree(DiffFormat.render(d, ReportFormat.JSON));
        assertThat(json.get("gain").asBoolean()).isTrue();
        assertThat(json.get("changes").get(0).get("requests").asText()).isEqualTo("api.example.com/orders/**");
        assertThat(json.get("notes")).isEmpty();
        assertThat(DiffFormat.render(PolicyDiff.of(MODEL, MODEL), ReportFormat.MARKDOWN))
                .contains("No access changes.");
    }

    @Test
    void ruleChangesThatChangeNoAccessHaveTheirOwnSectionAndEffectNone() throws Exception {
        PolicyDiff d = PolicyDiff.of(MODEL, Fixtures.model(Fixtures.CONFIG.replace("groups_any: [suspended]",
                "groups_any: ['" + NASTY + "']").replace("- { methods: [GET, HEAD], groups_any: [readers, admins] }",
                "- { methods: [GET, HEAD], groups_any: [readers, admins] }\n      - { methods: [GET], groups_all: [readers, staff] }")));

        assertThat(DiffFormat.render(d, ReportFormat.MARKDOWN)).contains("No access changes. 1 rule change does not "
                + "change access.", "## Rule changes that do not change access",
                "| none | `orders` | GET | allow added | `group:readers + group:staff` |  |");
        assertThat(parseCsv(DiffFormat.render(d, ReportFormat.CSV))).contains(
                List.of("none", "orders", "GET", "allow added", "group:readers + group:staff", ""));
        assertThat(DiffFormat.render(d, ReportFormat.HTML)).contains("<h2>Rule changes that do not change access</h2>",
                "<td class=\"none\">none</td>");
        JsonNode json = new ObjectMapper().readTree(DiffFormat.render(d, ReportFormat.JSON));
        assertThat(json.get("gain").asBoolean()).isFalse();
        assertThat(json.get("changes").get(0).get("effect").asText()).isEqualTo("none");
    }

    /** RFC 4180, strictly: quoted fields, doubled quotes, CRLF records. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                record.add(field.toString());
                field.setLength(0);
                records.add(record);
                record = new ArrayList<>();
                i++;
            } else {
                assertThat(c).as("bare CR/LF or stray character in CSV").isNotIn('\r', '\n');
                field.append(c);
            }
        }
        assertThat(quoted).isFalse();
        assertThat(record).isEmpty();
        return records;
    }
}
