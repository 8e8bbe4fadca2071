package dev.portcullis.session;

import java.util.Locale;

/**
 * Whether a state-changing browser request comes from this site's own pages (a CSRF check):
 * {@code Sec-Fetch-Site: same-origin} when the browser sends it (every current browser does, and it
 * cannot be set by a page); else an {@code Origin} equal to the request's own origin, its scheme and
 * {@code Host}. Neither, another value, or {@code Origin: null}: refused.
 */
public final class SameOrigin {
    private SameOrigin() {
    }

    /**
     * @param secFetchSite the {@code Sec-Fetch-Site} header, or null
     * @param origin       the {@code Origin} header, or null
     * @param scheme       the listener's scheme
     * @param host         the request's {@code Host}
     */
    public static boolean allowed(String secFetchSite, String origin, String scheme, String host) {
        if (secFetchSite != null) {
            // Present: it decides. "same-site" is a sibling subdomain, which is another origin.
            return secFetchSite.trim().equalsIgnoreCase("same-origin");
        }
        if (origin == null || host == null || host.isEmpty()) {
            return false;
        }
        return origin.trim().toLowerCase(Locale.ROOT).equals(scheme + "://" + host.trim().toLowerCase(Locale.ROOT));
    }
}
