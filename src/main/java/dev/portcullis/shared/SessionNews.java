package dev.portcullis.shared;

import dev.portcullis.session.SessionIds;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The bus messages of session changes, on topic {@value #TOPIC}: the changed sessions' store keys
 * (server-made SHA-256 values, never a cookie), one per line, at most {@link #KEYS_PER_MESSAGE} a message.
 */
final class SessionNews {
    static final String TOPIC = "sessions";
    static final int KEYS_PER_MESSAGE = 1_000;

    private SessionNews() {
    }

    static void publish(FleetBus bus, List<String> keys) {
        for (int i = 0; i < keys.size(); i += KEYS_PER_MESSAGE) {
            String body = String.join("\n", keys.subList(i, Math.min(keys.size(), i + KEYS_PER_MESSAGE)));
            bus.publish(TOPIC, body.getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** The keys of a message; anything not shaped like a store key is skipped. */
    static List<String> keys(FleetMessage m) {
        List<String> out = new ArrayList<>();
        for (String key : new String(m.body(), StandardCharsets.US_ASCII).split("\n")) {
            if (key.length() == SessionIds.LENGTH) {
                out.add(key);
            }
        }
        return out;
    }
}
