package dev.portcullis.forward;

import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The one encoding of claims into identity header values. Header values travel as bytes and
 * lists travel joined; claims are Unicode and may contain anything. So each value (each item of a
 * list) is written as UTF-8 with these bytes percent-encoded ({@code %XX}, upper-case hex):
 * <ul>
 *   <li>every byte outside printable ASCII (controls, DEL, and all of non-ASCII);</li>
 *   <li>{@code %} itself, so decoding is unambiguous;</li>
 *   <li>a space at the start or end of an item (HTTP drops it, and a list parser trims it);</li>
 *   <li>the header's separator inside an item: {@code ,} in the groups header, every space in the
 *       scopes header. Single-value headers (subject, email, issuer) have none.</li>
 * </ul>
 * Everything else ({@code +}, {@code "}, {@code ;}, inner spaces of a group…) is sent as it is.
 * A service splits a list on its separator, then percent-decodes each item as UTF-8; it must
 * not form-decode ({@code +} is a plus). The result is always a valid header value: printable
 * ASCII without leading or trailing whitespace.
 */
public final class IdentityValues {
    private static final char NONE = 0;
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

    private IdentityValues() {
    }

    /** A single-value header's value (subject, email, issuer). */
    public static String single(String value) {
        if (plain(value, NONE)) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length() + 16);
        append(sb, value, NONE);
        return sb.toString();
    }

    /** The groups header: items joined by {@code ,}. */
    public static AsciiString groups(Set<String> groups) {
        return list(groups, ',');
    }

    /** The scopes header: items joined by a space. */
    public static AsciiString scopes(Set<String> scopes) {
        return list(scopes, ' ');
    }

    private static AsciiString list(Set<String> items, char separator) {
        StringBuilder sb = new StringBuilder(items.size() * 16);
        boolean first = true;
        for (String item : items) {
            if (!first) {
                sb.append(separator);
            }
            first = false;
            if (plain(item, separator)) {
                sb.append(item);
            } else {
                append(sb, item, separator);
            }
        }
        return new AsciiString(sb);
    }

    /** Whether an item needs no escape at all (the common case: no copy, no UTF-8 encoding). */
    private static boolean plain(String item, char separator) {
        int n = item.length();
        if (n > 0 && (item.charAt(0) == ' ' || item.charAt(n - 1) == ' ')) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = item.charAt(i);
            if (c < 0x20 || c >= 0x7F || c == '%' || c == separator) {
                return false;
            }
        }
        return true;
    }

    private static void append(StringBuilder sb, String item, char separator) {
        byte[] bytes = item.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xFF;
            boolean edgeSpace = b == ' ' && (i == 0 || i == bytes.length - 1);
            if (b < 0x20 || b >= 0x7F || b == '%' || b == separator || edgeSpace) {
                sb.append('%').append((char) HEX[b >> 4]).append((char) HEX[b & 0xF]);
            } else {
                sb.append((char) b);
            }
        }
    }
}
