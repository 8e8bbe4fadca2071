package dev.portcullis.decide;

/**
 * What a browser session decision reads off a request head ({@code login: browser} routes), read
 * only when sessions are on and with cheap header lookups.
 *
 * @param sessionId    the session cookie's value; {@code ""} when the cookie came but cannot name a
 *                     session (sent twice with different values); null when it did not come
 * @param secFetchSite the single {@code Sec-Fetch-Site} value, or null
 * @param secFetchMode the single {@code Sec-Fetch-Mode} value, or null
 * @param navigation   a top-level navigation: GET/HEAD with {@code Sec-Fetch-Mode: navigate}, or,
 *                     without {@code Sec-Fetch-Mode}, an {@code Accept} that includes {@code text/html}
 * @param scheme       the client listener's scheme ({@code http}/{@code https}): with Host, the
 *                     request's own origin, which a cookie-authenticated unsafe request's
 *                     {@code Origin} must equal
 */
public record BrowserFacts(String sessionId, String secFetchSite, String secFetchMode, boolean navigation,
        String scheme) {

    /** No browser facts: sessions are off (the policy tools, the fuzz tests). */
    public static final BrowserFacts NONE = new BrowserFacts(null, null, null, false, null);

    /** Whether a navigation is told by these headers (see {@link #navigation}). */
    public static boolean isNavigation(String method, String secFetchMode, String accept) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return false;
        }
        if (secFetchMode != null) {
            return secFetchMode.equals("navigate");
        }
        return accept != null && accept.toLowerCase(java.util.Locale.ROOT).contains("text/html");
    }
}
