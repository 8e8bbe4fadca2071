package dev.portcullis.membership;

/**
 * The state the gate shares between instances, behind one small interface: for now the
 * membership overlay's entries and browser sessions. {@link MemorySharedState} keeps it in this process; an
 * implementation over a shared store (Redis) keeps the same contract for many instances.
 */
public interface SharedState {
    /** The membership overlay's entries. */
    OverlayStore overlay();

    /** Browser sessions (routes with {@code login: browser}). */
    dev.portcullis.session.SessionStore sessions();
}
