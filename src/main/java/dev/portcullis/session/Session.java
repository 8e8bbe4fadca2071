package dev.portcullis.session;

import java.util.Objects;

/**
 * One signed-in browser, as kept server-side: the cookie holds only its id. A value; a refresh
 * replaces it under a new id.
 *
 * @param issuerId        the issuer it signed in with
 * @param subject         the ID token's {@code sub}
 * @param tokens          the current tokens (access, refresh, ID)
 * @param createdAtMillis sign-in time; {@code session_max_age} counts from it, across refreshes
 * @param lastSeenMillis  the last request it made (or sign-in); {@code session_idle_timeout} counts from it
 */
public record Session(String issuerId, String subject, TokenSet tokens, long createdAtMillis, long lastSeenMillis) {

    public Session {
        Objects.requireNonNull(issuerId, "issuerId");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(tokens, "tokens");
    }
}
