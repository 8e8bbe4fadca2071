package dev.portcullis.demo;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Okta's Event Hook envelope around one System Log event, as Okta delivers it:
 * {@code eventType: com.okta.event_hook}, {@code eventTypeVersion}, {@code cloudEventsVersion},
 * {@code source} (the hook in the org), {@code eventId} (this delivery), {@code eventTime}, and
 * {@code data.events[]} whose event has its own {@code uuid}, {@code published}, {@code eventType},
 * {@code actor}, {@code outcome} and {@code target[]} (the {@code User}, and the {@code UserGroup}
 * for a membership change).
 */
final class HookEnvelope {
    private HookEnvelope() {
    }

    /** One event: {@code eventType} (e.g. {@code group.user_membership.remove}) about {@code user} and {@code group}. */
    static Map<String, Object> event(String eventType, DemoUser user, Directory.Group group, Instant published) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("uuid", UUID.randomUUID().toString());
        event.put("published", published.truncatedTo(ChronoUnit.MILLIS).toString());
        event.put("eventType", eventType);
        event.put("version", "0");
        event.put("displayMessage", eventType);
        event.put("severity", "INFO");
        event.put("actor", Map.of("id", "00udevissueradmin000", "type", "User",
                "alternateId", "admin@example.com", "displayName", "Dev Issuer Admin"));
        event.put("outcome", Map.of("result", "SUCCESS"));
        List<Map<String, Object>> target = new ArrayList<>();
        target.add(target(user.uid(), "User", user.email(), DirectoryApi.capitalized(user.login())));
        if (group != null) {
            target.add(target(group.id(), "UserGroup", "unknown", group.name()));
        }
        event.put("target", target);
        return event;
    }

    /** The delivery of {@code events} from the org at {@code orgUrl} by the hook {@code hookId}. */
    static Map<String, Object> of(String orgUrl, String hookId, List<Map<String, Object>> events) {
        Map<String, Object> envelope = new LinkedHashMap<>();
        envelope.put("eventType", "com.okta.event_hook");
        envelope.put("eventTypeVersion", "1.0");
        envelope.put("cloudEventsVersion", "0.1");
        envelope.put("source", orgUrl + "/api/v1/eventHooks/" + hookId);
        envelope.put("eventId", UUID.randomUUID().toString());
        envelope.put("eventTime", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        envelope.put("contentType", "application/json");
        envelope.put("data", Map.of("events", List.copyOf(events)));
        return envelope;
    }

    private static Map<String, Object> target(String id, String type, String alternateId, String displayName) {
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("id", id);
        t.put("type", type);
        t.put("alternateId", alternateId);
        t.put("displayName", displayName);
        return t;
    }
}
