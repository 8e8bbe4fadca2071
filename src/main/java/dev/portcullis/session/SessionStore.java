package dev.portcullis.session;

/**
 * Where sessions are kept, by key ({@link SessionIds#key}): in this process
 * ({@link MemorySessionStore}), or shared by a fleet behind the same contract. Lookups are local
 * and never block: the request path calls {@link #get} on the event loop.
 */
public interface SessionStore {

    /** The session under this key, or null. */
    Session get(String key);

    /** Keeps a session under this key (a new one, or its replacement). */
    void put(String key, Session session);

    /** Ends the session under this key; nothing when there is none. */
    void remove(String key);

    /** Ends every session of a subject (a directory event, an operator's revocation); returns how many. */
    int removeSubject(String issuerId, String subject);

    /** How many sessions are held. */
    long size();
}
