package dev.portcullis.membership;

import dev.portcullis.vocab.Identity;

/**
 * The request path's view of the membership overlay: a pure in-memory lookup, no I/O, no lock.
 * {@link #OFF} (the overlay is not configured) answers {@link OverlayVerdict#UNCHANGED} at once.
 */
public interface MembershipCheck {
    /** No overlay: every token stands as issued. */
    MembershipCheck OFF = who -> OverlayVerdict.UNCHANGED;

    /** What the directory's later changes make of this verified caller's token. */
    OverlayVerdict check(Identity who);
}
