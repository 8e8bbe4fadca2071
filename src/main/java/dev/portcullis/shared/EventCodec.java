package dev.portcullis.shared;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.membership.DirectoryEvent;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * A {@link DirectoryEvent} as the fleet carries it (in the events stream and on the bus): a small
 * JSON object. Both ways are size-limited: an event that would encode to more than
 * {@link #MAX_BYTES} is not sent, and anything read that is larger, not JSON, of an unknown type or
 * missing a field is refused ({@code null}), never thrown: what comes out of Redis is input.
 */
public final class EventCodec {
    /** The largest encoded event, written or read. */
    public static final int MAX_BYTES = 8 * 1024;
    /** The longest uuid and the longest other text field read. */
    static final int MAX_UUID = 256;
    static final int MAX_TEXT = 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private EventCodec() {
    }

    /** The event's JSON, or null when it is larger than {@link #MAX_BYTES}. */
    public static byte[] encode(DirectoryEvent e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("uuid", e.uuid());
        o.put("type", e.type().name());
        o.put("published", e.published().toString());
        putIf(o, "user_id", e.userId());
        putIf(o, "user_login", e.userLogin());
        putIf(o, "group_id", e.groupId());
        putIf(o, "group_name", e.groupName());
        putIf(o, "reason", e.reason());
        try {
            byte[] b = JSON.writeValueAsBytes(o);
            return b.length > MAX_BYTES ? null : b;
        } catch (JsonProcessingException ex) {
            return null;
        }
    }

    private static void putIf(ObjectNode o, String field, String value) {
        if (value != null) {
            o.put(field, value);
        }
    }

    /** The event a JSON body holds, or null when it is oversized or malformed. */
    public static DirectoryEvent decode(byte[] body) {
        if (body == null || body.length == 0 || body.length > MAX_BYTES) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(body);
            if (n == null || !n.isObject()) {
                return null;
            }
            String uuid = text(n, "uuid", MAX_UUID);
            String type = text(n, "type", 64);
            String published = text(n, "published", 64);
            if (uuid == null || uuid.isBlank() || type == null || published == null) {
                return null;
            }
            return new DirectoryEvent(uuid, DirectoryEvent.Type.valueOf(type), Instant.parse(published),
                    text(n, "user_id", MAX_TEXT), text(n, "user_login", MAX_TEXT), text(n, "group_id", MAX_TEXT),
                    text(n, "group_name", MAX_TEXT), text(n, "reason", MAX_TEXT));
        } catch (IOException | IllegalArgumentException | DateTimeParseException | Malformed e) {
            return null;
        }
    }

    /** A field's text; null when absent; {@link Malformed} when it is not a string or too long. */
    private static String text(JsonNode n, String field, int max) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().length() > max) {
            throw new Malformed();
        }
        return v.asText();
    }

    private static final class Malformed extends RuntimeException {
        Malformed() {
            super(null, null, false, false);
        }
    }
}
