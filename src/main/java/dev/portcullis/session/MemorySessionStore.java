package dev.portcullis.session;

import java.util.concurrent.ConcurrentHashMap;

/** {@link SessionStore} in this process: one concurrent map; lookups take no lock. */
public final class MemorySessionStore implements SessionStore {
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

    @Override
    public Session get(String key) {
        return sessions.get(key);
    }

    @Override
    public void put(String key, Session session) {
        sessions.put(key, session);
    }

    @Override
    public void remove(String key) {
        sessions.remove(key);
    }

    @Override
    public int removeSubject(String issuerId, String subject) {
        int[] n = {0};
        sessions.entrySet().removeIf(e -> {
            boolean match = e.getValue().issuerId().equals(issuerId) && e.getValue().subject().equals(subject);
            n[0] += match ? 1 : 0;
            return match;
        });
        return n[0];
    }

    @Override
    public long size() {
        return sessions.size();
    }
}
