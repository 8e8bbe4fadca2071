package dev.portcullis.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.List;
import java.util.stream.Collectors;

/** Escaping for the report formats: every value from a config is data, never markup. */
final class Cells {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    static final String STYLE = "body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
            + "table{border-collapse:collapse;font-size:14px}"
            + "th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}"
            + "th{background:#f0f0f0}code{font-family:ui-monospace,monospace}"
            + ".public{color:#8a5a00;font-weight:bold}.nobody{color:#999}"
            + ".gain{color:#a00000;font-weight:bold}.loss{color:#006400}";

    private Cells() {
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break; quotes doubled. */
    static String csv(String value) {
        String v = value == null ? "" : value;
        if (v.indexOf(',') < 0 && v.indexOf('"') < 0 && v.indexOf('\n') < 0 && v.indexOf('\r') < 0) {
            return v;
        }
        return '"' + v.replace("\"", "\"\"") + '"';
    }

    static String csvLine(String... values) {
        return java.util.Arrays.stream(values).map(Cells::csv).collect(Collectors.joining(",")) + "\r\n";
    }

    static String html(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 16);
        for (char c : value.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /** A markdown code span that survives a table cell: backticks fenced, pipes escaped. */
    static String mdCode(String value) {
        String fence = value.contains("`") ? "`` " : "`";
        String close = value.contains("`") ? " ``" : "`";
        return fence + value.replace("|", "\\|").replace("\n", " ") + close;
    }

    static String mdCodes(List<String> values, String whenEmpty) {
        return values.isEmpty() ? whenEmpty : values.stream().map(Cells::mdCode).collect(Collectors.joining(", "));
    }

    static String htmlPage(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + html(title)
                + "</title>\n<style>" + STYLE + "</style>\n</head>\n<body>\n<h1>" + html(title) + "</h1>\n" + body
                + "</body>\n</html>\n";
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
