package dev.portcullis.forward;

/** What happens to a route's upstreams, for its metrics. Called on any event loop; must not block. */
public interface UpstreamEvents {
    /** Why an attempt at an upstream failed; the code is the metric's {@code kind} label. */
    enum Failure {
        CONNECT("connect"), TIMEOUT("timeout"), RESET("reset"), STATUS_5XX("5xx");

        private final String code;

        Failure(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    void failed(String upstream, Failure kind);

    void ejected(String upstream);

    /** A request was sent again, to another upstream when there is one. */
    void retried();

    UpstreamEvents NONE = new UpstreamEvents() {
        @Override
        public void failed(String upstream, Failure kind) {
        }

        @Override
        public void ejected(String upstream) {
        }

        @Override
        public void retried() {
        }
    };
}
