package dev.portcullis.session;

import java.util.Objects;

/**
 * The gate's sessions: started by the sign-in callback, ended by sign-out, looked up (and
 * refreshed, expired) on the request path.
 */
public final class Sessions implements SessionControl {
    private final SessionStore store;

    public Sessions(SessionStore store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /** Where the sessions are kept. */
    public SessionStore store() {
        return store;
    }

    @Override
    public String start(String issuerId, String subject, TokenSet tokens, String previousId, long nowMillis) {
        if (previousId != null && SessionIds.wellFormed(previousId)) {
            store.remove(SessionIds.key(previousId));
        }
        String id = SessionIds.next();
        store.put(SessionIds.key(id), new Session(issuerId, subject, tokens, nowMillis, nowMillis));
        return id;
    }

    @Override
    public String idToken(String id) {
        Session s = SessionIds.wellFormed(id) ? store.get(SessionIds.key(id)) : null;
        return s == null ? null : s.tokens().idToken();
    }

    @Override
    public void end(String id) {
        if (SessionIds.wellFormed(id)) {
            store.remove(SessionIds.key(id));
        }
    }
}
