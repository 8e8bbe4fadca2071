package dev.portcullis.directory;

import dev.portcullis.directory.DirectoryListener.Outcome;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the org's API can be read: {@code ok}, {@code unreachable} or {@code unauthorized} (for
 * {@code /readyz}), and for how long to stop calling after a failure. A change of state is logged
 * once, not once per request: an expired API token is one line, and one line when it works again.
 */
final class DirectoryStatus {
    private static final Logger log = LoggerFactory.getLogger(DirectoryStatus.class);

    /** The state, with when it was last confirmed (millis) and what the last failure said. */
    private record State(String word, long atMillis, String detail) {
    }

    private final AtomicReference<State> state = new AtomicReference<>(new State("unknown", 0, null));
    private final long holdOffMillis;
    private final boolean logChanges;

    /** @param holdOffMillis after a failure, calls are not made again for this long (Okta is not hammered) */
    DirectoryStatus(long holdOffMillis) {
        this(holdOffMillis, true);
    }

    /** @param logChanges false for a command-line tool, which says what failed itself */
    DirectoryStatus(long holdOffMillis, boolean logChanges) {
        this.holdOffMillis = holdOffMillis;
        this.logChanges = logChanges;
    }

    /** {@code unknown} (no call yet), {@code ok}, {@code unreachable} or {@code unauthorized}. */
    String word() {
        return state.get().word();
    }

    /** The last failure's message, or null. */
    String detail() {
        return state.get().detail();
    }

    /** Whether a recent failure says not to call now; the failure to answer with instead, else null. */
    DirectoryException holdingOff(long nowMillis) {
        State s = state.get();
        if (s.word().equals("ok") || s.word().equals("unknown") || nowMillis - s.atMillis() >= holdOffMillis) {
            return null;
        }
        return new DirectoryException(s.word().equals("unauthorized") ? Outcome.UNAUTHORIZED : Outcome.UNREACHABLE,
                "the Okta directory failed " + (nowMillis - s.atMillis()) + " ms ago (" + s.detail()
                        + "); not called again before " + holdOffMillis + " ms");
    }

    void succeeded(long nowMillis) {
        State before = state.getAndSet(new State("ok", nowMillis, null));
        if (logChanges && !before.word().equals("ok") && !before.word().equals("unknown")) {
            log.info("okta directory: reachable again (users' groups are read from the Users API)");
        }
    }

    /** A call failed; rate limits and errors of one answer do not change whether the org is reachable. */
    void failed(Outcome outcome, String detail, long nowMillis) {
        String word = switch (outcome) {
            case UNAUTHORIZED -> "unauthorized";
            case UNREACHABLE -> "unreachable";
            default -> null;
        };
        if (word == null) {
            return;
        }
        State before = state.getAndSet(new State(word, nowMillis, detail));
        if (logChanges && !before.word().equals(word)) {
            log.warn("okta directory: {}: {} (requests whose groups come from the Users API wait for it;"
                    + " see okta.on_directory_unavailable)", word, detail);
        }
    }
}
