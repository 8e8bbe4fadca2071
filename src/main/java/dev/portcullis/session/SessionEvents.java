package dev.portcullis.session;

/** What sessions tell the metrics: refreshes by outcome, sessions ended by reason. Called from any thread. */
public interface SessionEvents {
    /** Counts nothing. */
    SessionEvents NONE = new SessionEvents() {
        @Override
        public void refreshed(RefreshOutcome outcome) {
        }

        @Override
        public void ended(SessionEnd reason, int count) {
        }
    };

    /** How a refresh went. */
    enum RefreshOutcome {
        REFRESHED("refreshed"), REFUSED("refused"), UNREACHABLE("unreachable");

        private final String code;

        RefreshOutcome(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    /** How a read of a session unknown here from the fleet's store went ({@code shared_state.redis}). */
    enum FetchResult {
        HIT("hit"), MISS("miss"), ERROR("error");

        private final String code;

        FetchResult(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    void refreshed(RefreshOutcome outcome);

    /** A session id unknown here was read from the fleet's store. */
    default void fetched(FetchResult result) {
    }

    void ended(SessionEnd reason, int count);
}
