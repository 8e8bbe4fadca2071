package dev.portcullis.session;

/**
 * Why a session ended, or why a cookie named none: the {@code session_event} of the audit line
 * and the {@code reason} label of {@code portcullis_sessions_ended_total}.
 */
public enum SessionEnd {
    /** The cookie names no session: never issued, forged, or already gone. */
    UNKNOWN("unknown"),
    IDLE_TIMEOUT("idle_timeout"),
    MAX_AGE("max_age"),
    /** The issuer refused the refresh token (revoked, reused, expired). */
    REFRESH_FAILED("refresh_failed"),
    /** A membership event or {@code portcullis revoke} ended the user's sessions. */
    REVOKED("revoked"),
    SIGNED_OUT("signed_out"),
    /** {@code sessions.max_sessions} was reached: the least recently used session made room. */
    EVICTED("evicted");

    private final String code;

    SessionEnd(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
