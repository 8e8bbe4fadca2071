package dev.portcullis.tools;

import java.util.Locale;

/** The output formats of {@code portcullis report}. */
public enum ReportFormat {
    MARKDOWN, CSV, HTML, JSON;

    /** Case-insensitive; {@code md} is markdown. */
    public static ReportFormat parse(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        return t.equals("md") ? MARKDOWN : valueOf(t.toUpperCase(Locale.ROOT));
    }
}
