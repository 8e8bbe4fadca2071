package dev.portcullis.forward;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * What the upstream never receives of a browser session: the session cookie, and the sign-in
 * cookies of sign-ins under way. They are cut out of every {@code Cookie} header (the other cookies are kept as sent, byte for byte; a header left
 * empty is dropped), on every route, so no upstream ever holds a session id it could replay.
 */
public final class SessionCookieFilter {
    private SessionCookieFilter() {
    }

    /** Removes cookie {@code name} from the {@code Cookie} headers. */
    public static void strip(HttpHeaders headers, String name) {
        strip(headers, name, null);
    }

    /** Removes cookie {@code name}, and every cookie whose name starts with {@code prefix} (when not null). */
    public static void strip(HttpHeaders headers, String name, String prefix) {
        if (!headers.contains(HttpHeaderNames.COOKIE)) {
            return;
        }
        List<String> all = headers.getAll(HttpHeaderNames.COOKIE);
        if (prefix == null || prefix.startsWith(name)) {
            // most requests carry other cookies only: leave them untouched without splitting them
            boolean ours = false;
            for (String header : all) {
                ours |= header.contains(name);
            }
            if (!ours) {
                return;
            }
        }
        List<String> kept = new ArrayList<>(1);
        boolean changed = false;
        for (String header : all) {
            StringBuilder out = new StringBuilder(header.length());
            for (String pair : header.split(";")) {
                String p = pair.trim();
                int eq = p.indexOf('=');
                String n = (eq < 0 ? p : p.substring(0, eq)).trim();
                if (n.equals(name) || (prefix != null && n.startsWith(prefix))) {
                    changed = true;
                } else if (!p.isEmpty()) {
                    out.append(out.length() == 0 ? "" : "; ").append(p);
                }
            }
            if (out.length() > 0) {
                kept.add(out.toString());
            }
        }
        if (changed) {
            headers.remove(HttpHeaderNames.COOKIE);
            kept.forEach(v -> headers.add(HttpHeaderNames.COOKIE, v));
        }
    }
}
