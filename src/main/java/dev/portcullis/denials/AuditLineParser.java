package dev.portcullis.denials;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * Reads one audit line with Jackson's streaming parser: no tree, no binding, only the fields a
 * report needs. Never throws on bad input; a line that is not exactly one JSON object is
 * {@link AuditLine.NotJson}. A decision outside {@code [start, end]} is
 * {@link AuditLine.OutsideWindow}, and its reading stops as soon as that is known.
 */
public final class AuditLineParser {
    /** Keys (client, subject, route, reason) are cut to this many characters, so memory stays bounded. */
    static final int MAX_KEY_CHARS = 256;

    private static final AuditLine.NotJson BLANK = new AuditLine.NotJson(true);
    private static final AuditLine.NotJson NOT_JSON = new AuditLine.NotJson(false);

    private final JsonFactory json = new JsonFactory();
    private final long start;
    private final long end;

    /** A parser for every time: no decision is outside. */
    public AuditLineParser() {
        this(Long.MIN_VALUE + 1, Long.MAX_VALUE);
    }

    /** A parser that reads decisions fully only when {@code start <= ts <= end}. */
    public AuditLineParser(long start, long end) {
        this.start = start;
        this.end = end;
    }

    /** Classifies the UTF-8 bytes {@code buf[off, off+len)}. */
    public AuditLine parse(byte[] buf, int off, int len) {
        if (isBlank(buf, off, len)) {
            return BLANK;
        }
        try (JsonParser p = json.createParser(buf, off, len)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return NOT_JSON;
            }
            AuditLine line = readObject(p);
            if (line instanceof AuditLine.OutsideWindow) {
                return line;
            }
            // Why: "{...} trailing text" is a torn or mixed line, not an audit record.
            return p.nextToken() == null ? line : NOT_JSON;
        } catch (IOException | RuntimeException e) {
            return NOT_JSON;
        }
    }

    private AuditLine readObject(JsonParser p) throws IOException {
        String ts = null;
        String event = null;
        String decision = null;
        String reason = null;
        String route = null;
        String client = null;
        String subject = null;
        long count = 0;
        long millis = Timestamps.INVALID;
        boolean placed = false;
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            if (v == JsonToken.START_OBJECT || v == JsonToken.START_ARRAY) {
                p.skipChildren();
                continue;
            }
            switch (name) {
                case "ts": ts = text(p, v); break;
                case "event": event = text(p, v); break;
                case "decision": decision = text(p, v); break;
                case "reason": reason = text(p, v); break;
                case "route": route = text(p, v); break;
                case "client": client = text(p, v); break;
                case "subject": subject = text(p, v); break;
                case "count": count = v == JsonToken.VALUE_NUMBER_INT ? p.getLongValue() : 0; break;
                default: break;
            }
            if (!placed && ts != null && "decision".equals(event) && decision != null) {
                placed = true;
                millis = Timestamps.parseMillis(ts);
                if (millis != Timestamps.INVALID && (millis < start || millis > end)
                        && AuditLine.Outcome.of(decision) != null) {
                    return new AuditLine.OutsideWindow(millis);
                }
            }
        }
        if (t != JsonToken.END_OBJECT) {
            throw new IOException("not an object");
        }
        if (!"decision".equals(event)) {
            return new AuditLine.OtherEvent(event == null ? "-" : event, count);
        }
        AuditLine.Outcome outcome = AuditLine.Outcome.of(decision);
        if (outcome == null) {
            return new AuditLine.InvalidDecision("decision is not allow, deny or error");
        }
        if (!placed) {
            millis = Timestamps.parseMillis(ts);
        }
        if (millis == Timestamps.INVALID) {
            return new AuditLine.InvalidDecision("ts is missing or not an ISO-8601 instant");
        }
        if (millis < start || millis > end) {
            return new AuditLine.OutsideWindow(millis);
        }
        return new AuditLine.Decision(millis, outcome, orDash(reason), orDash(route), orDash(client), subject);
    }

    /** Strings as they are, numbers as their text, null for JSON null. */
    private static String text(JsonParser p, JsonToken v) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        String s = p.getText();
        return s.length() > MAX_KEY_CHARS ? s.substring(0, MAX_KEY_CHARS) : s;
    }

    private static String orDash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }

    private static boolean isBlank(byte[] buf, int off, int len) {
        for (int i = off; i < off + len; i++) {
            byte b = buf[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
