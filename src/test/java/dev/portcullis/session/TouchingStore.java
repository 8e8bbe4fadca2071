package dev.portcullis.session;

import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/** A store whose old session is touched (a request of the old cookie) just as a rotation aliases it. */
final class TouchingStore implements SessionStore {
    private final MemorySessionStore inner = new MemorySessionStore();
    private final LongSupplier clock;

    TouchingStore(LongSupplier clock) {
        this.clock = clock;
    }

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
        inner.touch(oldKey, clock.getAsLong() + 5);
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
