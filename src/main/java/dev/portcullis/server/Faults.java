package dev.portcullis.server;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports faults of the proxy's own (exceptions while handling a request). The exchange is
 * answered 500 {@code internal_error}, audited and counted like any other; the log is where the
 * stack trace goes, at most once per {@value #QUIET_SECONDS} s, so a request that can trigger a
 * fault cannot also flood the log.
 */
final class Faults {
    private static final Logger log = LoggerFactory.getLogger(Faults.class);
    private static final long QUIET_SECONDS = 10;
    private static final AtomicLong nextLogNanos = new AtomicLong(System.nanoTime());
    private static final AtomicLong suppressed = new AtomicLong();

    private Faults() {
    }

    static void report(String requestId, Throwable cause) {
        long now = System.nanoTime();
        long next = nextLogNanos.get();
        if (now - next < 0 || !nextLogNanos.compareAndSet(next, now + TimeUnit.SECONDS.toNanos(QUIET_SECONDS))) {
            suppressed.incrementAndGet();
            return;
        }
        log.error("request {} failed inside the proxy; answered 500 internal_error ({} more since the last report)",
                requestId, suppressed.getAndSet(0), cause);
    }
}
