package dev.portcullis.detect;

/**
 * Counts what detection does, for metrics. {@link #eventRaised} runs on the request thread that
 * raised the event and must be cheap and non-blocking (a Prometheus counter increment); the others
 * run on detection's own threads.
 */
public interface IntrusionListener {

    /** What became of one webhook delivery. {@link #code()} is its metric label. */
    enum AlertOutcome {
        /** The receiver answered 2xx. */
        DELIVERED("delivered"),
        /** The receiver answered 3xx or 4xx (but 408/429): its answer will not change, so no retry. */
        REJECTED("rejected"),
        /** Every attempt failed (connect error, timeout, 5xx, 408, 429). */
        GAVE_UP("gave_up"),
        /** The delivery queue was full; the event was not sent (it is still in the log). */
        DROPPED("dropped");

        private final String code;

        AlertOutcome(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    IntrusionListener NONE = new IntrusionListener() {
    };

    /** An event was raised (counted even if its log line is later dropped). */
    default void eventRaised(IntrusionEvent event) {
    }

    /** The log writer's queue was full: the event's line was not written. */
    default void logDropped() {
    }

    /** A denial was not counted fleet-wide: too many fleet calls were pending (it still counts locally). */
    default void fleetDropped() {
    }

    /** One webhook delivery ended. */
    default void alert(AlertOutcome outcome) {
    }
}
