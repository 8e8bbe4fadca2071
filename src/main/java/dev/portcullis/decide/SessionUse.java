package dev.portcullis.decide;

/**
 * How a verdict on a {@code login: browser} route involved a session cookie, for the answer, the
 * upstream request and the audit line.
 *
 * @param accessToken  the session's access token the request was authenticated with (the
 *                     credential is {@code session}; forwarded only with {@code forward_token}), or
 *                     null when no session was usable
 * @param newId        the session id the browser should hold from now on ({@code Set-Cookie}), or null
 * @param clearCookie  the cookie names no usable session: the answer clears it
 * @param event        the audit line's {@code session_event}, or null
 * @param remainingMillis the session's remaining {@code session_max_age}, for the new cookie's {@code Max-Age}
 */
public record SessionUse(String accessToken, String newId, boolean clearCookie, String event, long remainingMillis) {

    /** A cookie that named no usable session. */
    public static SessionUse ended(String event) {
        return new SessionUse(null, null, true, event, 0);
    }
}
