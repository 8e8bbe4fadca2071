package dev.portcullis.decide;

/**
 * What a CORS decision reads off a request head: the browser's {@code Origin} and, on a preflight,
 * what it asks for. A request is a preflight only when all of it holds: {@code OPTIONS} (the
 * decision core checks the method), exactly one {@code Origin} and one
 * {@code Access-Control-Request-Method}, no body, and no method-override header
 * ({@code X-HTTP-Method-Override} and its kin, in any spelling), which would make a framework
 * serve the request as another method.
 *
 * @param origin               the single {@code Origin} value, or null (absent, or sent more than once)
 * @param requestMethod        the single {@code Access-Control-Request-Method} value, or null
 * @param requestHeaders       the {@code Access-Control-Request-Headers} values joined by commas, or null
 * @param methodOverrideHeader a method or URL override header is present
 * @param body                 the request declares a body (a length above 0, or a transfer coding)
 */
public record CorsFacts(String origin, String requestMethod, String requestHeaders, boolean methodOverrideHeader,
        boolean body) {

    /** A request without {@code Origin}: no CORS at all. */
    public static final CorsFacts NONE = new CorsFacts(null, null, null, false, false);

    /** A plain request from a page of {@code origin}: what a browser sends with a cross-origin fetch. */
    public static CorsFacts from(String origin) {
        return new CorsFacts(origin, null, null, false, false);
    }

    /** Whether, with {@code OPTIONS}, this is a CORS preflight and nothing else. */
    public boolean preflight() {
        return origin != null && requestMethod != null && !methodOverrideHeader && !body;
    }
}
