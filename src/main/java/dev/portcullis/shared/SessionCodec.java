package dev.portcullis.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.session.Session;
import dev.portcullis.session.TokenSet;
import java.io.IOException;

/**
 * A {@link Session} as the bytes stored (sealed) in Redis: JSON with fixed field names, at most
 * {@code maxBytes}. A session beyond the limit is not stored (it stays on its own instance); a stored
 * value beyond it, or malformed, reads as no session.
 */
public final class SessionCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final int maxBytes;

    public SessionCodec(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The bytes, or null when they would exceed the limit. */
    public byte[] encode(Session s) {
        ObjectNode n = JSON.createObjectNode().put("iss", s.issuerId()).put("sub", s.subject())
                .put("created", s.createdAtMillis()).put("seen", s.lastSeenMillis());
        TokenSet t = s.tokens();
        n.put("at", t.accessToken()).put("rt", t.refreshToken()).put("it", t.idToken()).put("exp", t.expiresAtMillis());
        try {
            byte[] b = JSON.writeValueAsBytes(n);
            return b.length > maxBytes ? null : b;
        } catch (IOException e) {
            return null;
        }
    }

    /** The session, or null when the bytes are too long or not one. */
    public Session decode(byte[] b) {
        if (b == null || b.length > maxBytes) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(b);
            if (!n.path("iss").isTextual() || !n.path("sub").isTextual() || !n.path("exp").canConvertToLong()) {
                return null;
            }
            TokenSet t = new TokenSet(text(n, "at"), text(n, "rt"), text(n, "it"), n.path("exp").asLong());
            return new Session(n.path("iss").asText(), n.path("sub").asText(), t, n.path("created").asLong(),
                    n.path("seen").asLong());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static String text(JsonNode n, String field) {
        return n.path(field).isTextual() ? n.path(field).asText() : null;
    }
}
