package dev.portcullis.session;

/**
 * The request path's view of sessions: a pure in-memory lookup that never blocks
 * ({@link Sessions#lookup}). {@link #OFF} (no route signs browsers in; the policy tools) knows no session.
 */
public interface SessionCheck {
    /** No sessions: every cookie names none. */
    SessionCheck OFF = (id, nowMillis, mayWait) -> new SessionLookup.Ended(SessionEnd.UNKNOWN);

    /** What a session cookie's value comes to at {@code nowMillis}; see {@link Sessions#lookup}. */
    SessionLookup lookup(String id, long nowMillis, boolean mayWait);
}
