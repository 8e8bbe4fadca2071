package dev.portcullis.shared;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.detect.FleetDenials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * A block (or, with blocking off, a quiet hold) that one instance placed for the fleet: as it is
 * kept in Redis and sent on the bus. The raw key travels only in this value, never in a Redis key
 * ({@link #hash}).
 *
 * @param kind   {@code client} or {@code subject}
 * @param key    the source's key
 * @param until  epoch millis at which it ends
 * @param status the answer to a blocked source (429 or 403), or 0 for a hold that only keeps the
 *               source from raising events again
 */
record FleetBlock(String kind, String key, long until, int status) {
    /** The largest record read or written: a subject key is an issuer id and a subject claim. */
    static final int MAX_BYTES = 2048;
    private static final ObjectMapper JSON = new ObjectMapper();

    byte[] toBytes() {
        ObjectNode n = JSON.createObjectNode().put("kind", kind).put("key", key).put("until", until)
                .put("status", status);
        return n.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The field of this source in the fleet's blocks hash: its kind and hashed key. */
    String field() {
        return kind + ":" + hash(key);
    }

    /** A record read from Redis or the bus; null when it is oversized, malformed, or of an unknown kind. */
    static FleetBlock parse(byte[] bytes) {
        if (bytes == null || bytes.length > MAX_BYTES) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(bytes);
            String kind = n.path("kind").asText("");
            String key = n.path("key").asText("");
            if (!(FleetDenials.CLIENT.equals(kind) || FleetDenials.SUBJECT.equals(kind)) || key.isEmpty()
                    || !n.path("until").canConvertToLong() || !n.path("status").canConvertToInt()) {
                return null;
            }
            return new FleetBlock(kind, key, n.path("until").asLong(), n.path("status").asInt());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** base64url(SHA-256(value)): how a client-supplied value goes into a key. */
    static String hash(String value) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
