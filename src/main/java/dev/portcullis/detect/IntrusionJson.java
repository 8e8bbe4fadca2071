package dev.portcullis.detect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.portcullis.detect.IntrusionEvent.Sample;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Map;

/**
 * An event as one JSON object, the same for the audit log line and the webhook body:
 * <pre>{"ts":…,"event":"intrusion_suspected","kind":"threshold_client","source":"203.0.113.9",
 * "count":20,"window_seconds":60,"reasons":{"token_missing":7,"no_route":3},
 * "first_reason":"no_route","last_reason":"token_missing",
 * "samples":[{"ts":…,"reason":"no_route","path":"/admin"},…],
 * "blocked":true,"blocked_until":"…","proxy":"host-1","fleet_wide":false}</pre>
 * {@code fleet_wide} true: {@code count} is the fleet's, counted on Redis over every instance.
 * Runs on detection's writer thread only.
 */
final class IntrusionJson {
    /** Paths are the client's choice: keep the evidence readable and the line bounded. */
    static final int MAX_PATH = 200;

    private final JsonFactory json = new JsonFactory();
    private final String proxy;

    IntrusionJson(String proxy) {
        this.proxy = proxy;
    }

    String format(IntrusionEvent e) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", Instant.ofEpochMilli(e.timestampMillis()).toString());
            g.writeStringField("event", "intrusion_suspected");
            g.writeStringField("kind", e.kind().code());
            g.writeStringField("source", e.source());
            g.writeNumberField("count", e.count());
            g.writeNumberField("window_seconds", e.window().toSeconds());
            g.writeObjectFieldStart("reasons");
            for (Map.Entry<String, Integer> r : e.reasonCounts().entrySet()) {
                g.writeNumberField(r.getKey(), r.getValue());
            }
            g.writeEndObject();
            if (e.firstReason() != null) {
                g.writeStringField("first_reason", e.firstReason().code());
                g.writeStringField("last_reason", e.lastReason().code());
            }
            g.writeArrayFieldStart("samples");
            for (Sample s : e.samples()) {
                g.writeStartObject();
                g.writeStringField("ts", Instant.ofEpochMilli(s.timestampMillis()).toString());
                g.writeStringField("reason", s.reason().code());
                if (s.path() != null) {
                    g.writeStringField("path", s.path().length() > MAX_PATH ? s.path().substring(0, MAX_PATH)
                            : s.path());
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeBooleanField("blocked", e.blocked());
            if (e.blocked()) {
                g.writeStringField("blocked_until", Instant.ofEpochMilli(e.blockedUntilMillis()).toString());
            } else {
                g.writeNullField("blocked_until");
            }
            g.writeStringField("proxy", proxy);
            g.writeBooleanField("fleet_wide", e.fleetWide());
            g.writeEndObject();
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return out.toString();
    }
}
