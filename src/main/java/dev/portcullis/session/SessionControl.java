package dev.portcullis.session;

/**
 * What the sign-in callback and sign-out do to sessions; the request path's side (lookup,
 * refresh, idle and absolute expiry) is the session store's own.
 */
public interface SessionControl {

    /**
     * Starts a session after a successful sign-in and returns its new id, for the cookie. A session
     * the browser already had ({@code previousId}, or null) ends: the id is rotated at sign-in.
     *
     * @param issuerId the issuer the browser signed in with
     * @param subject  the ID token's {@code sub}
     * @param tokens   the code exchange's tokens (a refresh token among them)
     */
    String start(String issuerId, String subject, TokenSet tokens, String previousId, long nowMillis);

    /** The session's ID token, for sign-out's {@code id_token_hint}; null when there is none or no such session. */
    String idToken(String id);

    /** Ends the session with this id (sign-out); nothing when there is none. */
    void end(String id);
}
