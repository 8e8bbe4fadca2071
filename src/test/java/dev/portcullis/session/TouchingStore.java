package dev.portcullis.session;

import java.util.function.LongSupplier;

/** A store whose old session is touched (a request of the old cookie) just as a rotation aliases it. */
final class TouchingStore extends ForwardingStore {
    private final LongSupplier clock;

    TouchingStore(LongSupplier clock) {
        this.clock = clock;
    }

    @Override
    public void alias(String oldKey, SessionAlias alias) {
        inner.touch(oldKey, clock.getAsLong() + 5);
        inner.alias(oldKey, alias);
    }
}
