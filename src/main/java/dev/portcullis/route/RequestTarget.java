package dev.portcullis.route;

/** A normalized request-target: the path the policy judges and the upstream receives, and the raw query. */
public record RequestTarget(String path, String query) {
    /** What goes on the upstream request line. */
    public String toUri() {
        return query == null ? path : path + '?' + query;
    }
}
