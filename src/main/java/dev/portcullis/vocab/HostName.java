package dev.portcullis.vocab;

import java.util.Locale;
import java.util.regex.Pattern;

/** Host names as routes see them: lower case, no port, no trailing dot. */
public final class HostName {
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.[0-9]{1,3}){3}");

    private HostName() {
    }

    public static String canonical(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
    }

    public static boolean isValidPattern(String host) {
        return host.length() <= 253 && host.matches("(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*\\.?");
    }

    public static boolean isLoopback(String host) {
        String h = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        // 127.0.0.0/8 as a dotted-quad literal only: a name like 127.attacker.example is not loopback.
        return h.equalsIgnoreCase("localhost") || IPV4_LOOPBACK.matcher(h).matches() || h.equals("::1");
    }

    /**
     * The host of a {@code Host} header value ({@code host}, {@code host:port}, {@code [v6]:port}),
     * canonical, or {@code null} when the value is not a plausible authority.
     */
    public static String fromAuthority(String value) {
        if (value == null || value.isEmpty() || value.length() > 260) {
            return null;
        }
        String host;
        if (value.charAt(0) == '[') {
            int end = value.indexOf(']');
            if (end < 0) {
                return null;
            }
            host = value.substring(0, end + 1);
            // An IP literal holds hex digits, ':' and '.' only (RFC 3986 IP-literal, no zone id).
            if (end == 1) {
                return null;
            }
            for (int i = 1; i < end; i++) {
                char c = value.charAt(i);
                boolean ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':'
                        || c == '.';
                if (!ok) {
                    return null;
                }
            }
            String rest = value.substring(end + 1);
            if (!rest.isEmpty() && !validPort(rest)) {
                return null;
            }
            return host.toLowerCase(Locale.ROOT);
        }
        int colon = value.indexOf(':');
        host = colon < 0 ? value : value.substring(0, colon);
        if (colon >= 0 && !validPort(value.substring(colon))) {
            return null;
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '.' || c == '_';
            if (!ok) {
                return null;
            }
        }
        return host.isEmpty() ? null : canonical(host);
    }

    private static boolean validPort(String colonPort) {
        if (colonPort.length() < 2 || colonPort.length() > 6 || colonPort.charAt(0) != ':') {
            return false;
        }
        int port = 0;
        for (int i = 1; i < colonPort.length(); i++) {
            char c = colonPort.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }
}
