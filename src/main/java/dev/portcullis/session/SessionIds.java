package dev.portcullis.session;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Session ids: 256 random bits, base64url without padding (43 characters), in the browser's cookie.
 * The store keys a session by the id's SHA-256 ({@link #key}), never by the id itself, so whoever
 * reads the store (a dump, a shared Redis) holds nothing a browser could present.
 */
public final class SessionIds {
    /** The length of an id: 32 bytes in base64url without padding. */
    public static final int LENGTH = 43;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private SessionIds() {
    }

    /** A new random id. */
    public static String next() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return B64.encodeToString(b);
    }

    /** Whether a cookie value can be an id at all: 43 base64url characters. Anything else is no session. */
    public static boolean wellFormed(String value) {
        if (value == null || value.length() != LENGTH) {
            return false;
        }
        for (int i = 0; i < LENGTH; i++) {
            char c = value.charAt(i);
            if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /**
     * The new id of a rotation, sealed with the old one for its {@link SessionAlias}: XOR with
     * HMAC-SHA256(old id, "portcullis session alias"), so only whoever holds the old id can open it.
     */
    public static String seal(String newId, String oldId) {
        byte[] id = Base64.getUrlDecoder().decode(newId);
        byte[] pad = pad(oldId);
        for (int i = 0; i < id.length; i++) {
            id[i] ^= pad[i];
        }
        return B64.encodeToString(id);
    }

    /** Opens {@link #seal}: the new id, given the old one. */
    public static String unseal(String sealed, String oldId) {
        return seal(sealed, oldId); // XOR is its own inverse
    }

    private static byte[] pad(String oldId) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(oldId.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            return mac.doFinal("portcullis session alias".getBytes(StandardCharsets.US_ASCII));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }

    /** The store's key for an id: its SHA-256, base64url. */
    public static String key(String id) {
        try {
            return B64.encodeToString(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
