package dev.portcullis.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Stable fake Okta ids, 20 characters like Okta's: a user's ({@code 00u…}) from its e-mail, a
 * group's ({@code 00g…}) from its name, so that the same dev issuer state gives the same ids on
 * every start.
 */
final class OktaIds {
    private OktaIds() {
    }

    /** {@code 00u} and 17 hex characters of the SHA-256 of the lower-cased e-mail. */
    static String user(String email) {
        return "00u" + hash(email.toLowerCase(Locale.ROOT));
    }

    /** {@code 00g} and 17 hex characters of the SHA-256 of the group's exact name. */
    static String group(String name) {
        return "00g" + hash(name);
    }

    /** {@code who} and 17 hex characters: an Event Hook's id, from the URL it delivers to. */
    static String hook(String url) {
        return "who" + hash(url);
    }

    private static String hash(String text) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h).substring(0, 17);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
