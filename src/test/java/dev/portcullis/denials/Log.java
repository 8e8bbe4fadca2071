package dev.portcullis.denials;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builds audit logs line by line, in the shape {@code AuditLog} writes. */
final class Log {
    private final List<String> lines = new ArrayList<>();
    private int requests;

    static Log log() {
        return new Log();
    }

    /** A decision; a null route, subject are written as the proxy writes them (null, absent). */
    Log decision(String ts, String decision, String reason, String route, String client, String subject) {
        int status = "allow".equals(decision) ? 200 : "deny".equals(decision) ? 403 : 502;
        StringBuilder b = new StringBuilder(256);
        b.append("{\"ts\":\"").append(Instant.parse(ts)).append("\",\"event\":\"decision\",\"request_id\":\"r")
                .append(++requests).append("\",\"decision\":\"").append(decision).append("\",\"reason\":\"")
                .append(reason).append("\",\"route\":").append(route == null ? "null" : "\"" + route + "\"")
                .append(",\"method\":\"GET\",\"path\":\"/orders/42\",\"status\":").append(status)
                .append(",\"duration_us\":3210,\"client\":\"").append(client).append('"');
        if (subject != null) {
            b.append(",\"issuer\":\"dev\",\"subject\":\"").append(subject).append("\",\"jti\":\"j").append(requests)
                    .append("\",\"cid\":\"portcullis-demo\"");
        }
        lines.add(b.append('}').toString());
        return this;
    }

    Log deny(String ts, String reason, String client, String subject) {
        return decision(ts, "deny", reason, "orders", client, subject);
    }

    Log allow(String ts, String client) {
        return decision(ts, "allow", "allowed", "orders", client, "alice@example.com");
    }

    Log raw(String line) {
        lines.add(line);
        return this;
    }

    String text() {
        return String.join("\n", lines) + "\n";
    }

    byte[] bytes() {
        return text().getBytes(StandardCharsets.UTF_8);
    }
}
