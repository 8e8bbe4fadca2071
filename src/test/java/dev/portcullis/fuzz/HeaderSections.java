package dev.portcullis.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.util.List;

/**
 * Builds a header section from fuzzer data, mostly from names that matter to the filter (the
 * identity headers, framing, hop-by-hop and forwarding headers) in fuzzer-chosen spellings, and
 * lists some of them in {@code Connection}. Raw text mutation alone rarely lines up a
 * {@code Connection} option with another header's name; choosing both from one vocabulary does,
 * in a few thousand runs.
 */
final class HeaderSections {
    static final List<String> VOCABULARY = List.of("X-Auth-Subject", "X-Auth-Groups", "X-Auth-Email", "X-Auth-Issuer",
            "X-Auth-Scopes", "X-Request-Id", HeaderInvariants.ASSERTION_HEADER, "Content-Length", "Transfer-Encoding",
            "Host", "Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade", "Proxy-Authorization",
            "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "Forwarded", "X-Real-IP", "Authorization",
            "Expect", "Accept", "X-Trace");

    private HeaderSections() {
    }

    /** {@code Name: value} lines, the last one a {@code Connection} listing some names. */
    static String from(FuzzedDataProvider data) {
        StringBuilder section = new StringBuilder();
        for (int n = data.consumeInt(0, 8); n > 0; n--) {
            String name = name(data);
            String value = name.equalsIgnoreCase("Content-Length") ? String.valueOf(data.consumeInt(0, 1 << 20))
                    : name.equalsIgnoreCase("Transfer-Encoding") && data.consumeBoolean() ? "chunked"
                    : data.consumeAsciiString(24);
            section.append(name).append(": ").append(value).append('\n');
        }
        StringBuilder options = new StringBuilder();
        for (int n = data.consumeInt(0, 4); n > 0; n--) {
            options.append(options.length() == 0 ? "" : ", ").append(name(data));
        }
        if (options.length() > 0) {
            section.append("Connection: ").append(options).append('\n');
        }
        return section.toString();
    }

    /** A vocabulary name in a fuzzer-chosen spelling (case, {@code -}/{@code _}/{@code .}), or any ASCII name. */
    private static String name(FuzzedDataProvider data) {
        if (!data.consumeBoolean()) {
            return data.consumeAsciiString(24);
        }
        String base = data.pickValue(VOCABULARY);
        int caseBits = data.consumeInt();
        char separator = data.pickValue(new char[] {'-', '_', '.'});
        StringBuilder sb = new StringBuilder(base.length());
        for (int i = 0; i < base.length(); i++) {
            char c = base.charAt(i);
            if (c == '-') {
                sb.append(separator);
            } else {
                sb.append((caseBits >>> (i % 32) & 1) == 0 ? Character.toLowerCase(c) : Character.toUpperCase(c));
            }
        }
        return sb.toString();
    }
}
