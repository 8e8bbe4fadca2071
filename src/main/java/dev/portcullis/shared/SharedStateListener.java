package dev.portcullis.shared;

/** Told how the shared state's server is doing, for metrics. Called from Lettuce's and the scheduler's threads. */
public interface SharedStateListener {
    SharedStateListener NONE = new SharedStateListener() {
        @Override
        public void up(boolean up) {
        }

        @Override
        public void failed(Op op) {
        }
    };

    /** The operations counted when they fail: a closed set, so every series exists up front. */
    enum Op {
        CONNECT, PING, GET, SET, DELETE, LOCK, UNLOCK, PUBLISH, SUBSCRIBE, STREAM, SCRIPT;

        public String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** The server answers ({@code true}) or not. */
    void up(boolean up);

    /** One call failed: an error, a timeout, or no connection. */
    void failed(Op op);
}
