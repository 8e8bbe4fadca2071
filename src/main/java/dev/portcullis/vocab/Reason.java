package dev.portcullis.vocab;

/**
 * Why a request was answered as it was. Each reason has a stable code (used in audit lines,
 * metrics and JSON bodies), the HTTP status it maps to, and, for 401s, the RFC 6750 error code.
 */
public enum Reason {
    ALLOWED("allowed", 200, null),
    PUBLIC_ROUTE("public_route", 200, null),
    /** Forwarded because the route is in {@code mode: audit}; the audit line says what would have happened. */
    AUDIT_MODE("audit_mode", 200, null),
    /** A CORS preflight on a route with {@code cors: passthrough}: forwarded without a token, for the upstream to answer. */
    CORS_PASSTHROUGH("cors_passthrough", 200, null),
    /** A CORS preflight the proxy answered itself (204 with the route's {@code Access-Control-*} headers), without a token. */
    CORS_PREFLIGHT("cors_preflight", 204, null),

    TOKEN_MISSING("token_missing", 401, null),
    TOKEN_MALFORMED("token_malformed", 401, "invalid_token"),
    TOKEN_TOO_LARGE("token_too_large", 401, "invalid_token"),
    AUTHORIZATION_DUPLICATED("authorization_duplicated", 401, "invalid_request"),
    ISSUER_UNKNOWN("issuer_unknown", 401, "invalid_token"),
    ISSUER_NOT_ACCEPTED("issuer_not_accepted", 401, "invalid_token"),
    ALGORITHM_REJECTED("algorithm_rejected", 401, "invalid_token"),
    KEY_UNKNOWN("key_unknown", 401, "invalid_token"),
    SIGNATURE_INVALID("signature_invalid", 401, "invalid_token"),
    TOKEN_EXPIRED("token_expired", 401, "invalid_token"),
    TOKEN_NOT_YET_VALID("token_not_yet_valid", 401, "invalid_token"),
    TOKEN_ISSUED_IN_FUTURE("token_issued_in_future", 401, "invalid_token"),
    TOKEN_LIFETIME_TOO_LONG("token_lifetime_too_long", 401, "invalid_token"),
    AUDIENCE_MISMATCH("audience_mismatch", 401, "invalid_token"),
    CLAIMS_INVALID("claims_invalid", 401, "invalid_token"),

    DENY_RULE("deny_rule", 403, "insufficient_scope"),
    GROUP_DENIED("group_denied", 403, "insufficient_scope"),
    /**
     * A CORS preflight whose origin, method or headers the route's {@code cors} does not allow: answered
     * without any {@code Access-Control-Allow-*} header, so the browser stops there.
     */
    CORS_REJECTED("cors_rejected", 403, null),

    /**
     * The token's group that a rule needed was taken away after the token was issued (a removal
     * from the group, the group's deletion, or an operator's revocation of it): membership overlay.
     */
    MEMBERSHIP_REVOKED("membership_revoked", 403, "insufficient_scope"),
    /** The token's user was deactivated in the directory after it was issued: membership overlay. */
    USER_DEACTIVATED("user_deactivated", 403, null),
    /** The token's user was suspended in the directory after it was issued: membership overlay. */
    USER_SUSPENDED("user_suspended", 403, null),
    /** The token's user's sessions were ended ({@code user.session.end}) after it was issued. */
    SESSION_ENDED("session_ended", 403, null),
    /** An operator revoked the user's tokens issued before then ({@code portcullis revoke}). */
    OPERATOR_REVOKED("operator_revoked", 403, null),

    NO_ROUTE("no_route", 404, null),
    PATH_REJECTED("path_rejected", 400, null),
    BAD_REQUEST("bad_request", 400, null),
    /** A {@code _method} query parameter, which frameworks would serve as another method ({@code method_override}). */
    METHOD_OVERRIDE_REJECTED("method_override_rejected", 400, null),
    URI_TOO_LONG("uri_too_long", 414, null),
    HEADERS_TOO_LARGE("headers_too_large", 431, null),
    BODY_TOO_LARGE("body_too_large", 413, null),
    EXPECTATION_FAILED("expectation_failed", 417, null),
    HEADER_TIMEOUT("header_timeout", 408, null),
    /** The request body stopped arriving ({@code body_read_timeout}) or came too slowly ({@code body_min_rate}). */
    BODY_TIMEOUT("body_timeout", 408, null),
    /**
     * The client stopped taking the response ({@code response_write_timeout}); nothing more is sent, both
     * connections are closed. Audited with the status whose head already went out.
     */
    RESPONSE_WRITE_TIMEOUT("response_write_timeout", 408, null),
    KEYS_UNAVAILABLE("keys_unavailable", 503, null),
    /**
     * The caller's groups come from the Okta Users API ({@code groups_source: okta_api | both}) and
     * could not be read within {@code okta.groups_wait} ({@code on_directory_unavailable: refuse}).
     * Our outage, not the caller's doing: not a denial.
     */
    DIRECTORY_UNAVAILABLE("directory_unavailable", 503, null),
    UPSTREAM_UNAVAILABLE("upstream_unavailable", 502, null),
    UPSTREAM_TIMEOUT("upstream_timeout", 504, null),
    UPSTREAM_ERROR("upstream_error", 502, null),
    UPSTREAM_BUSY("upstream_busy", 503, null),
    /** A fault of the proxy's own while handling the request (a bug): never the client's or the upstream's doing. */
    INTERNAL_ERROR("internal_error", 500, null),
    /**
     * The proxy was stopping ({@code shutdown.timeout} ran out) while the exchange was still open: 503
     * when nothing had been answered yet, else the connection is closed and the audit line keeps the
     * status already sent. The proxy's doing, never the client's: not a denial.
     */
    SHUTDOWN("shutdown", 503, null),
    /** The client went away before its answer was complete (nginx's 499). */
    CLIENT_CLOSED("client_closed", 499, null),
    /** Refused at once: intrusion detection blocked this client or subject ({@code detection.block.status: 429}). */
    SOURCE_BLOCKED("source_blocked", 429, null),
    /** The same, with {@code detection.block.status: 403}. */
    SOURCE_FORBIDDEN("source_forbidden", 403, null),
    /** An Okta Event Hook delivery taken for applying, or its one-time verification answered (200). */
    OKTA_EVENT_HOOK("okta_event_hook", 200, null),
    /** A request to the Event Hook receiver without the configured secret header, or with a wrong one. */
    OKTA_HOOK_UNAUTHORIZED("okta_hook_unauthorized", 401, null),
    /** An authenticated Event Hook request that is not a delivery: not JSON, no {@code data.events[]}, no challenge. */
    OKTA_EVENT_MALFORMED("okta_event_malformed", 400, null),
    /** The directory event queue is full: Okta retries a 503 once. */
    OKTA_EVENTS_BUSY("okta_events_busy", 503, null),
    /** A method the proxy's own endpoint does not serve (the Event Hook receiver: GET and POST). */
    METHOD_NOT_ALLOWED("method_not_allowed", 405, null),
    /**
     * A browser navigation on a {@code login: browser} route without a usable session: 302 to the
     * issuer's sign-in. Not a denial: it is how every browser starts.
     */
    SIGN_IN_REQUIRED("sign_in_required", 302, null),
    /**
     * A WebSocket upgrade on a route with {@code websocket.enabled} that is not a well-formed RFC 6455
     * opening handshake (not GET, no {@code Connection: upgrade}, a version other than 13, no key, a body).
     */
    WEBSOCKET_MALFORMED("websocket_malformed", 400, null),
    /**
     * A client's HTTP/2 connection broke the protocol or one of {@code server.http2_limits}' bounds
     * (rapid reset, a control-frame, empty-frame or CONTINUATION flood, an HPACK bomb): the
     * connection is closed with GOAWAY, and recorded once, without a request.
     */
    HTTP2_ABUSE("http2_abuse", 400, null),
    /** A cookie-authenticated request with an unsafe method from another origin ({@code Sec-Fetch-Site}, {@code Origin}). */
    CSRF_REJECTED("csrf_rejected", 403, null),
    /**
     * A session cookie that names no usable session (ended, idle, past {@code session_max_age}, its
     * refresh refused) on a request that is not a navigation: 401, the page's script signs in again.
     */
    SESSION_EXPIRED("session_expired", 401, null),
    /** The sign-in callback established a session: 302 back to where the browser started. */
    SIGNED_IN("signed_in", 302, null),
    /** The issuer answered the callback with {@code error=access_denied}: the user declined (or may not use the app). */
    SIGN_IN_DENIED("sign_in_denied", 403, null),
    /** The callback's {@code state} names no sign-in of this browser's: no cookie, another state, tampered, expired. */
    SIGN_IN_STATE_INVALID("sign_in_state_invalid", 400, null),
    /** The token endpoint refused the code ({@code invalid_grant}: a replayed code, a PKCE verifier that does not match). */
    SIGN_IN_CODE_REJECTED("sign_in_code_rejected", 400, null),
    /** The issuer could not be reached, answered something unusable, or answered the callback with another error. */
    SIGN_IN_FAILED("sign_in_failed", 502, null),
    /** The code exchange's ID token failed verification (signature, {@code iss}, {@code aud}, {@code nonce}, {@code exp}). */
    ID_TOKEN_INVALID("id_token_invalid", 401, null),
    /** A sign-in cannot start yet: the issuer's discovery document has not been read. */
    SIGN_IN_UNAVAILABLE("sign_in_unavailable", 503, null),
    /** Sign-out ended the session: 303 to the issuer's {@code end_session_endpoint}, or the "signed out" page. */
    SIGNED_OUT("signed_out", 303, null),
    /** {@code GET /.portcullis/sign_out}: the page with the sign-out button (sign-out itself is a POST). */
    SIGN_OUT_PAGE("sign_out_page", 200, null),
    /**
     * A session's access token expired and its refresh could not reach the issuer: never the
     * expired token; the session stays, and a later request tries again. Not a denial (5xx).
     */
    REFRESH_UNAVAILABLE("refresh_unavailable", 503, null);

    private final String code;
    private final int status;
    private final String bearerError;

    Reason(String code, int status, String bearerError) {
        this.code = code;
        this.status = status;
        this.bearerError = bearerError;
    }

    /** The stable, documented code of this reason. */
    public String code() {
        return code;
    }

    public int status() {
        return status;
    }

    /** RFC 6750 {@code error} value for the {@code WWW-Authenticate} header, or null. */
    public String bearerError() {
        return bearerError;
    }

    /**
     * The audit line's and the request counter's {@code decision}: {@code allow} for what was let
     * through or answered as asked (a sign-in or sign-out that succeeded among them), {@code error}
     * for a failure of the proxy or its upstream (5xx), else {@code deny}.
     */
    public String decision() {
        if (allowed() || this == SIGNED_IN || this == SIGNED_OUT) {
            return "allow";
        }
        return status >= 500 ? "error" : "deny";
    }

    /** Let through, or answered as asked: a forward (200 here, the upstream's status on the wire) or an answered preflight (204). */
    public boolean allowed() {
        return status / 100 == 2;
    }
}
