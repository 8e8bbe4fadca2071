package dev.portcullis.session;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * {@link SessionStore} in this process: concurrent maps; lookups take no lock. An index by issuer
 * and subject makes {@link #removeSubject} cost the subject's sessions, not the whole store.
 */
public final class MemorySessionStore implements SessionStore {
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SessionAlias> aliases = new ConcurrentHashMap<>();
    /** issuer + subject → the keys of that subject's sessions. */
    private final ConcurrentHashMap<String, Set<String>> bySubject = new ConcurrentHashMap<>();

    @Override
    public Session get(String key) {
        return sessions.get(key);
    }

    @Override
    public void put(String key, Session session) {
        // index first: a removeSubject running meanwhile finds the key and removes the session after it lands
        bySubject.compute(subjectKey(session), (k, keys) -> {
            Set<String> out = keys == null ? ConcurrentHashMap.newKeySet() : keys;
            out.add(key);
            return out;
        });
        Session old = sessions.put(key, session);
        if (old != null && !subjectKey(old).equals(subjectKey(session))) {
            unindex(old, key);
        }
    }

    @Override
    public void remove(String key) {
        Session old = sessions.remove(key);
        if (old != null) {
            unindex(old, key);
        }
    }

    @Override
    public boolean remove(String key, Session expected) {
        if (sessions.remove(key, expected)) {
            unindex(expected, key);
            return true;
        }
        return false;
    }

    @Override
    public int removeSubject(String issuerId, String subject) {
        Set<String> keys = bySubject.remove(subjectKey(issuerId, subject));
        int n = 0;
        if (keys != null) {
            for (String key : keys) {
                Session s = sessions.get(key);
                if (s != null && s.issuerId().equals(issuerId) && s.subject().equals(subject) && sessions.remove(key, s)) {
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public int expireAccessBy(String issuerId, String subject, long expiresAtMillis) {
        Set<String> keys = bySubject.get(subjectKey(issuerId, subject));
        int[] n = {0};
        if (keys != null) {
            for (String key : keys) {
                sessions.computeIfPresent(key, (k, s) -> {
                    TokenSet t = s.tokens();
                    if (!s.issuerId().equals(issuerId) || !s.subject().equals(subject)
                            || t.expiresAtMillis() <= expiresAtMillis) {
                        return s;
                    }
                    n[0]++;
                    return new Session(s.issuerId(), s.subject(), new TokenSet(t.accessToken(), t.refreshToken(),
                            t.idToken(), expiresAtMillis), s.createdAtMillis(), s.lastSeenMillis());
                });
            }
        }
        return n[0];
    }

    @Override
    public long size() {
        return sessions.size();
    }

    @Override
    public void touch(String key, long nowMillis) {
        sessions.computeIfPresent(key, (k, s) -> s.lastSeenMillis() >= nowMillis ? s
                : new Session(s.issuerId(), s.subject(), s.tokens(), s.createdAtMillis(), nowMillis));
    }

    @Override
    public void alias(String oldKey, SessionAlias alias) {
        aliases.put(oldKey, alias);
    }

    @Override
    public SessionAlias alias(String key) {
        return aliases.get(key);
    }

    @Override
    public void forEachSession(BiConsumer<String, Session> action) {
        for (Map.Entry<String, Session> e : sessions.entrySet()) {
            action.accept(e.getKey(), e.getValue());
        }
    }

    @Override
    public int sweepAliases(long nowMillis) {
        int n = 0;
        for (Map.Entry<String, SessionAlias> e : aliases.entrySet()) {
            if (e.getValue().untilMillis() <= nowMillis && aliases.remove(e.getKey(), e.getValue())) {
                n++;
            }
        }
        return n;
    }

    private void unindex(Session s, String key) {
        bySubject.computeIfPresent(subjectKey(s), (k, keys) -> {
            keys.remove(key);
            return keys.isEmpty() ? null : keys;
        });
    }

    private static String subjectKey(Session s) {
        return subjectKey(s.issuerId(), s.subject());
    }

    private static String subjectKey(String issuerId, String subject) {
        return issuerId + '\n' + subject;
    }
}
