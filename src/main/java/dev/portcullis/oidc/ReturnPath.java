package dev.portcullis.oidc;

import java.util.Locale;

/**
 * Where a browser may be sent back after sign-in: a path (and query) on this same origin, judged
 * the way a browser's URL parser (WHATWG) would read it as a {@code Location}. Anything else falls
 * back to {@code /}: never an open redirect.
 *
 * <p>Refused: no value, or a value over 2048 characters; anything but a path starting with one
 * {@code /} (a scheme such as {@code https:evil}, {@code javascript:}, {@code data:}, a relative
 * path); a second {@code /} or a {@code \} right after the first (browsers read {@code //evil}
 * and {@code /\evil} as another host); a {@code \} anywhere in the path (browsers turn it into
 * {@code /}); control characters, tabs and newlines (browsers strip them, so {@code /\t/evil}
 * becomes {@code //evil}), and, as sent, spaces and non-ASCII (a browser sends them escaped);
 * {@code .} and {@code ..} segments (which a browser resolves, {@code /..//evil} included); and
 * all of these again in the path once, twice and three times percent-decoded ({@code /%2F%2Fevil}, {@code /%5Cevil}, {@code /%252F/evil}), since a
 * server behind may decode. Paths under {@code /.portcullis/} (the sign-in's own endpoints) are
 * refused too: a loop.
 */
public final class ReturnPath {
    /** Where a refused return URL goes. */
    public static final String FALLBACK = "/";
    static final int MAX_LENGTH = 2048;

    private ReturnPath() {
    }

    /** {@code raw} when it is a safe same-origin path, else {@link #FALLBACK}. */
    public static String orRoot(String raw) {
        return safe(raw) ? raw : FALLBACK;
    }

    /** Whether {@code raw} is a same-origin path a browser would not read as anything else. */
    public static boolean safe(String raw) {
        if (raw == null || raw.isEmpty() || raw.length() > MAX_LENGTH || !plainAscii(raw)) {
            return false;
        }
        int end = raw.length();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '?' || c == '#') {
                end = i;
                break;
            }
        }
        String path = raw.substring(0, end);
        String decoded = path;
        for (int round = 0; round < 4; round++) {
            if (!safePath(decoded)) {
                return false;
            }
            String next = percentDecode(decoded);
            if (next == null) {
                return false; // a broken escape: what a server behind makes of it is anyone's guess
            }
            if (next.equals(decoded)) {
                return true;
            }
            decoded = next;
        }
        return false; // encoded more than three times over: nobody's genuine return path
    }

    private static boolean plainAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** C0 controls and DEL: a decoded path may hold other bytes (%20, UTF-8), never these. */
    private static boolean hasControl(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    private static boolean safePath(String p) {
        if (p.length() < 1 || p.charAt(0) != '/') {
            return false;
        }
        if (hasControl(p) || p.indexOf('\\') >= 0) {
            return false;
        }
        if (p.length() > 1 && p.charAt(1) == '/') {
            return false;
        }
        String lower = p.toLowerCase(Locale.ROOT);
        if (lower.equals("/.portcullis") || lower.startsWith("/.portcullis/")) {
            return false;
        }
        for (String segment : p.substring(1).split("/", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** One round of percent-decoding to bytes read as Latin-1; null when malformed. */
    private static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (i + 2 >= s.length()) {
                return null;
            }
            int hi = Character.digit(s.charAt(i + 1), 16);
            int lo = Character.digit(s.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            out.append((char) (hi * 16 + lo));
            i += 2;
        }
        return out.toString();
    }
}
