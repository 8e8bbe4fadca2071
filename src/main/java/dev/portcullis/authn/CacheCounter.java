package dev.portcullis.authn;

/** Counts verified-token cache hits and misses (for metrics); implementations must be cheap. */
public interface CacheCounter {
    void hit();

    void miss();

    CacheCounter NONE = new CacheCounter() {
        @Override
        public void hit() {
        }

        @Override
        public void miss() {
        }
    };
}
