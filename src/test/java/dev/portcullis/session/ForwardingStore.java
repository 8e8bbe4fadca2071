package dev.portcullis.session;

import java.util.function.BiConsumer;

/** A {@link SessionStore} that hands everything to a {@link MemorySessionStore}: tests override the one step they race. */
abstract class ForwardingStore implements SessionStore {
    final MemorySessionStore inner = new MemorySessionStore();

    @Override
    public Session get(String key) {
        return inner.get(key);
    }

    @Override
    public void put(String key, Session session) {
        inner.put(key, session);
    }

    @Override
    public void remove(String key) {
        inner.remove(key);
    }

    @Override
    public int removeSubject(String issuerId, String subject) {
        return inner.removeSubject(issuerId, subject);
    }

    @Override
    public int expireAccessBy(String issuerId, String subject, long expiresAtMillis) {
        return inner.expireAccessBy(issuerId, subject, expiresAtMillis);
    }

    @Override
    public long size() {
        return inner.size();
    }

    @Override
    public void touch(String key, long nowMillis) {
        inner.touch(key, nowMillis);
    }

    @Override
    public boolean remove(String key, Session expected) {
        return inner.remove(key, expected);
    }

    @Override
    public void alias(String oldKey, SessionAlias alias) {
        inner.alias(oldKey, alias);
    }

    @Override
    public SessionAlias alias(String key) {
        return inner.alias(key);
    }

    @Override
    public void forEachSession(BiConsumer<String, Session> action) {
        inner.forEachSession(action);
    }

    @Override
    public int sweepAliases(long nowMillis) {
        return inner.sweepAliases(nowMillis);
    }
}
