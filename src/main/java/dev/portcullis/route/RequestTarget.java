package dev.portcullis.route;

/** A normalized request-target: the path the policy judges and the upstream receives, and the raw query. */
public record RequestTarget(String path, String query) {
    /** What goes on the upstream request line. */
    public String toUri() {
        return query == null ? path : path + '?' + query;
    }

    /** Whether {@code uri} is {@link #toUri} already (the client's target needed no normalizing): no string built. */
    public boolean isUri(String uri) {
        if (query == null) {
            return uri.equals(path);
        }
        int p = path.length();
        return uri.length() == p + 1 + query.length() && uri.startsWith(path) && uri.charAt(p) == '?'
                && uri.regionMatches(p + 1, query, 0, query.length());
    }
}
