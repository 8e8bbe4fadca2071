package dev.portcullis.session;

/**
 * The session cookie: {@code __Host-portcullis}, {@code HttpOnly}, {@code Secure},
 * {@code SameSite=Lax}, {@code Path=/}, no {@code Domain}. On a plain-HTTP listener bound to
 * loopback only (the demo) a browser would not keep a {@code Secure} cookie, so there it is
 * {@code portcullis}, without {@code Secure} and without the {@code __Host-} prefix (which
 * requires it); the proxy says so at start-up.
 *
 * @param secure whether cookies are {@code Secure} (every listener but plain HTTP on loopback)
 */
public record SessionCookie(boolean secure) {
    public static final String SECURE_NAME = "__Host-portcullis";
    public static final String LOOPBACK_NAME = "portcullis";

    /** The cookie's name. */
    public String name() {
        return secure ? SECURE_NAME : LOOPBACK_NAME;
    }

    /**
     * The name prefix of the sign-in cookies (one per sign-in under way, holding its state, nonce and
     * PKCE verifier), which carry the same {@code __Host-} prefix as the session cookie or none.
     */
    public String signInPrefix() {
        return (secure ? "__Host-" : "") + "portcullis-sign-in-";
    }

    /** A {@code Set-Cookie} value carrying a session id, kept for {@code maxAgeSeconds}. */
    public String set(String id, long maxAgeSeconds) {
        return name() + "=" + id + "; Path=/; Max-Age=" + maxAgeSeconds + "; HttpOnly; SameSite=Lax"
                + (secure ? "; Secure" : "");
    }

    /** A {@code Set-Cookie} value that removes the cookie. */
    public String clear() {
        return name() + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }
}
