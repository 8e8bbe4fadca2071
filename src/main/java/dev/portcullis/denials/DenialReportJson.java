package dev.portcullis.denials;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Renders a {@link DenialReport} as one pretty-printed JSON object, for scripts and dashboards.
 * Field names are snake_case and stable; times are ISO-8601 UTC with milliseconds.
 */
public final class DenialReportJson {
    private DenialReportJson() {
    }

    public static String render(DenialReport r) {
        StringWriter out = new StringWriter(4096);
        try (JsonGenerator g = new JsonFactory().createGenerator(out)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeStringField("input", r.input());
            writeWindow(g, r.window());
            g.writeBooleanField("include_errors", r.includeErrors());
            writeTotals(g, r.totals());
            g.writeObjectFieldStart("top");
            writeList(g, "clients", "client", r.clients());
            writeList(g, "subjects", "subject", r.subjects());
            writeList(g, "routes", "route", r.routes());
            writeList(g, "reasons", "reason", r.reasons());
            writePairs(g, r.pairs());
            g.writeEndObject();
            writeOverflow(g, r.overflow());
            writeLines(g, r.lines());
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.append('\n').toString();
    }

    private static void writeWindow(JsonGenerator g, DenialReport.Window w) throws IOException {
        if (w == null) {
            g.writeNullField("window");
            return;
        }
        g.writeObjectFieldStart("window");
        g.writeStringField("start", ts(w.startMillis()));
        g.writeStringField("end", ts(w.endMillis()));
        g.writeNumberField("seconds", (w.endMillis() - w.startMillis()) / 1000.0);
        g.writeStringField("anchor", w.anchor().name().toLowerCase(Locale.ROOT));
        g.writeEndObject();
    }

    private static void writeTotals(JsonGenerator g, DenialReport.Totals t) throws IOException {
        g.writeObjectFieldStart("totals");
        g.writeNumberField("decisions", t.decisions());
        g.writeNumberField("allowed", t.allowed());
        g.writeNumberField("deny", t.deny());
        g.writeNumberField("error", t.error());
        g.writeNumberField("denials", t.denied());
        g.writeNumberField("denial_rate", Math.round(t.denialRate() * 1e6) / 1e6);
        g.writeNumberField("anonymous", t.anonymous());
        g.writeEndObject();
    }

    private static void writeList(JsonGenerator g, String field, String keyName,
            List<DenialReport.Counted<String>> rows) throws IOException {
        g.writeArrayFieldStart(field);
        for (DenialReport.Counted<String> c : rows) {
            g.writeStartObject();
            g.writeStringField(keyName, c.key());
            writeCounts(g, c);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writePairs(JsonGenerator g, List<DenialReport.Counted<DenialReport.ClientReason>> rows)
            throws IOException {
        g.writeArrayFieldStart("client_reasons");
        for (DenialReport.Counted<DenialReport.ClientReason> c : rows) {
            g.writeStartObject();
            g.writeStringField("client", c.key().client());
            g.writeStringField("reason", c.key().reason());
            writeCounts(g, c);
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeCounts(JsonGenerator g, DenialReport.Counted<?> c) throws IOException {
        g.writeNumberField("count", c.count());
        g.writeStringField("first_seen", ts(c.firstMillis()));
        g.writeStringField("last_seen", ts(c.lastMillis()));
    }

    private static void writeOverflow(JsonGenerator g, DenialReport.Overflow o) throws IOException {
        g.writeObjectFieldStart("other");
        g.writeNumberField("max_keys", o.maxKeys());
        g.writeNumberField("clients", o.clients());
        g.writeNumberField("subjects", o.subjects());
        g.writeNumberField("routes", o.routes());
        g.writeNumberField("reasons", o.reasons());
        g.writeNumberField("client_reasons", o.pairs());
        g.writeEndObject();
    }

    private static void writeLines(JsonGenerator g, DenialReport.Lines l) throws IOException {
        g.writeObjectFieldStart("lines");
        g.writeNumberField("read", l.read());
        g.writeNumberField("decisions", l.decisions());
        g.writeNumberField("outside_window", l.outsideWindow());
        g.writeObjectFieldStart("other_events");
        for (Map.Entry<String, Long> e : l.otherEvents().entrySet()) {
            g.writeNumberField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
        g.writeNumberField("audit_dropped", l.auditDropped());
        g.writeNumberField("not_json", l.notJson());
        g.writeNumberField("blank", l.blank());
        g.writeNumberField("invalid_decisions", l.invalid());
        g.writeNumberField("too_long", l.tooLong());
        g.writeEndObject();
    }

    private static String ts(long millis) {
        return Timestamps.format(millis);
    }
}
