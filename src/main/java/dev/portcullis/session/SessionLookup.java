package dev.portcullis.session;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/** What a session cookie comes to on the request path ({@link Sessions#lookup}). */
public sealed interface SessionLookup {

    /**
     * A usable session: its access token is authenticated like a bearer token.
     *
     * @param key     its store key
     * @param session the session
     * @param newId   the id the browser should hold from now on (its cookie named a rotated-away id,
     *                within the grace), or null
     * @param event   the {@code session_event} for the audit line ({@code refreshed},
     *                {@code rotated_cookie}), or null
     * @param remainingMillis what is left of its {@code session_max_age}
     */
    record Usable(String key, Session session, String newId, String event, long remainingMillis)
            implements SessionLookup {
        public Usable {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(session, "session");
        }
    }

    /**
     * The session's access token is being refreshed (one refresh per session, whoever started it):
     * wait for {@code done} (never blocking the loop), then look up again with {@code mayWait = false}.
     */
    record Refreshing(CompletableFuture<SessionEvents.RefreshOutcome> done) implements SessionLookup {
        public Refreshing {
            Objects.requireNonNull(done, "done");
        }
    }

    /** No usable session: the cookie names none, or the session ended (and is gone now). */
    record Ended(SessionEnd reason) implements SessionLookup {
        public Ended {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * The access token expired and its refresh could not reach the issuer: 503, never the expired
     * token. The session stays; a later request tries again.
     */
    record Unavailable() implements SessionLookup {
    }
}
