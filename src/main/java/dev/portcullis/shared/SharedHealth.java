package dev.portcullis.shared;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the shared state is usable: {@code ok}, or {@code degraded} while calls fail or time out.
 * Only a change is logged (a WARN when it degrades, an INFO when it recovers), so a Redis outage
 * costs two log lines, not one per request.
 */
public final class SharedHealth {
    private static final Logger log = LoggerFactory.getLogger(SharedHealth.class);
    private final AtomicBoolean ok = new AtomicBoolean(false);
    private final SharedStateListener listener;
    private final String server;

    SharedHealth(String server, SharedStateListener listener) {
        this.server = server;
        this.listener = listener;
        listener.up(false);
    }

    /** {@code ok} or {@code degraded}, for {@code /readyz}. */
    public String status() {
        return ok.get() ? "ok" : "degraded";
    }

    public boolean ok() {
        return ok.get();
    }

    void succeeded() {
        if (!ok.get() && ok.compareAndSet(false, true)) {
            listener.up(true);
            log.info("shared state: {} answers; status ok", server);
        }
    }

    void failed(SharedStateListener.Op op, Throwable cause) {
        listener.failed(op);
        if (ok.get() && ok.compareAndSet(true, false)) {
            listener.up(false);
            log.warn("shared state: {} {} failed ({}); status degraded: sessions not known locally sign in again,"
                    + " bearer requests are served as before", server, op.code(), brief(cause));
        }
    }

    /** The first connection attempt failed: degraded from the start, said once. */
    void unavailableAtStart(Throwable cause) {
        listener.failed(SharedStateListener.Op.CONNECT);
        log.warn("shared state: cannot connect to {} ({}); status degraded, retrying", server, brief(cause));
    }

    private static String brief(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        return c.getClass().getSimpleName() + (c.getMessage() == null ? "" : ": " + c.getMessage());
    }
}
