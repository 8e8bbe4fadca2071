package dev.portcullis.directory;

/** Told what the directory client does, for metrics. Called from the client's threads and event loops. */
public interface DirectoryListener {
    /** How one call to the org ended. */
    enum Outcome {
        OK, UNAUTHORIZED, UNREACHABLE, RATE_LIMITED, ERROR;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    DirectoryListener NONE = new DirectoryListener() {
        @Override
        public void called(Outcome outcome) {
        }

        @Override
        public void cacheLookup(boolean hit) {
        }

        @Override
        public void rateLimitWait() {
        }
    };

    /** One HTTP call to the org (a page of the Users API, or the token endpoint) ended so. */
    void called(Outcome outcome);

    /** A request looked a user's groups up: found ready ({@code hit}) or not. */
    void cacheLookup(boolean hit);

    /** A call was held back by Okta's rate limit (remaining 0 until reset, or a 429). */
    void rateLimitWait();
}
