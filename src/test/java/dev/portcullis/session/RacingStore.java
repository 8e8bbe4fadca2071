package dev.portcullis.session;

/** A store that runs something once, right after a lookup has read a session: another thread's work landing in between. */
final class RacingStore extends ForwardingStore {
    /** Run once, after the next {@link #get} has read its value. */
    Runnable afterNextGet;

    @Override
    public Session get(String key) {
        Session s = inner.get(key);
        Runnable r = afterNextGet;
        afterNextGet = null;
        if (r != null) {
            r.run();
        }
        return s;
    }
}
