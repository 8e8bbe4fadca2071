package dev.portcullis.demo;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** The dev servers' small HTML pages: one escaping function for every value, and one page frame. */
final class Html {
    /** No scripts, no framing, no outside resources: the pages are plain forms and text. */
    static final String POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

    private Html() {
    }

    /** Text safe in element content and in double- or single-quoted attribute values. */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** A whole page: {@code title} is escaped here, {@code body} must already be escaped HTML. */
    static Reply page(int status, String title, String body) {
        String html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<title>" + escape(title) + "</title><style>"
                + "body{font-family:system-ui,sans-serif;max-width:44rem;margin:2rem auto;padding:0 1rem;color:#222}"
                + "button{font-size:1rem;padding:.5rem 1rem;margin:.25rem 0;cursor:pointer}"
                + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left;"
                + "vertical-align:top;font-family:monospace}.muted{color:#666}"
                + "</style></head><body>\n" + body + "\n</body></html>\n";
        return new Reply(status, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8), Map.of(
                "Cache-Control", "no-store", "Content-Security-Policy", POLICY, "X-Frame-Options", "DENY",
                "Referrer-Policy", "no-referrer"));
    }
}
