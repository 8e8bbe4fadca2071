package dev.portcullis.membership;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One Okta Event Hook delivery, parsed: the envelope ({@code eventType: com.okta.event_hook},
 * {@code data.events[]}) and each System Log event in it reduced to a {@link DirectoryEvent}.
 * Events of a type the gate does not act on are counted as {@code ignored}.
 *
 * <p>Users and groups come from {@code target[]}: the first entry of type {@code User} (its
 * {@code id} and {@code alternateId}, the login) and the first of type {@code UserGroup} (its
 * {@code id} and {@code displayName}). For {@code user.session.end}, which Okta logs with the user
 * as the {@code actor}, an {@code actor} of type {@code User} stands in when no target names one.
 * For {@code group.profile.update} (a rename), the group target's {@code displayName} is taken as
 * the name after the change — the System Log names a target as it is when the event is logged.
 *
 * @param events  the events the gate acts on, in the order they came
 * @param ignored how many events were of other types
 */
public record OktaDelivery(List<DirectoryEvent> events, int ignored) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    static final String ENVELOPE_TYPE = "com.okta.event_hook";

    public OktaDelivery {
        events = List.copyOf(events);
    }

    /** Not JSON, or not an Event Hook delivery: answered 400. */
    public static final class Malformed extends Exception {
        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    public static OktaDelivery parse(byte[] body) throws Malformed {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new Malformed("not JSON");
        } catch (IOException e) {
            throw new Malformed("unreadable");
        }
        if (root == null || !root.isObject() || !ENVELOPE_TYPE.equals(root.path("eventType").asText(null))) {
            throw new Malformed("not an Event Hook delivery (eventType " + ENVELOPE_TYPE + ")");
        }
        JsonNode list = root.path("data").path("events");
        if (!list.isArray()) {
            throw new Malformed("no data.events[]");
        }
        List<DirectoryEvent> events = new ArrayList<>(list.size());
        int ignored = 0;
        for (JsonNode e : list) {
            String uuid = text(e, "uuid");
            String type = text(e, "eventType");
            Instant published = published(text(e, "published"));
            DirectoryEvent.Type t = DirectoryEvent.Type.ofOkta(type);
            if (t == null) {
                ignored++;
                continue;
            }
            JsonNode user = target(e, "User");
            if (user == null && t == DirectoryEvent.Type.SESSION_END && "User".equals(e.path("actor").path("type")
                    .asText(null))) {
                user = e.path("actor");
            }
            JsonNode group = target(e, "UserGroup");
            if (!names(t, user, group)) {
                throw new Malformed("event " + uuid + " (" + type + ") lacks its user or group target");
            }
            events.add(new DirectoryEvent(uuid, t, published, field(user, "id"), field(user, "alternateId"),
                    field(group, "id"), field(group, "displayName"), null));
        }
        return new OktaDelivery(events, ignored);
    }

    /** Whether the event names what its type needs: a user, a group, or both. */
    private static boolean names(DirectoryEvent.Type t, JsonNode user, JsonNode group) {
        boolean hasUser = user != null && field(user, "id") != null;
        boolean hasGroup = group != null && (field(group, "id") != null || field(group, "displayName") != null);
        switch (t) {
            case MEMBERSHIP_ADD:
            case MEMBERSHIP_REMOVE:
                return hasUser && hasGroup;
            case GROUP_DELETE:
            case GROUP_RENAME:
                return hasGroup;
            default:
                return hasUser;
        }
    }

    private static String text(JsonNode e, String name) throws Malformed {
        JsonNode v = e.get(name);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new Malformed("an event lacks '" + name + "'");
        }
        return v.asText();
    }

    private static Instant published(String s) throws Malformed {
        try {
            return OffsetDateTime.parse(s).toInstant();
        } catch (DateTimeParseException e) {
            throw new Malformed("'published' is not an ISO-8601 time: " + s);
        }
    }

    private static JsonNode target(JsonNode e, String type) {
        for (JsonNode t : e.path("target")) {
            if (type.equals(t.path("type").asText(null))) {
                return t;
            }
        }
        return null;
    }

    private static String field(JsonNode n, String name) {
        if (n == null) {
            return null;
        }
        JsonNode v = n.get(name);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? null : v.asText();
    }
}
