package dev.portcullis.session;

import java.util.Objects;

/**
 * The answer of {@link SessionStore#claimRefresh}: whether this instance refreshes a session, or
 * another instance of the fleet did (or does) it.
 *
 * @param kind  what to do
 * @param fence the fencing token of a {@link Kind#HELD} claim (0 otherwise): the store writes the
 *              refreshed session only while its lock still holds this token
 */
public record RefreshClaim(Kind kind, long fence) {
    /** No fleet (or its store cannot be reached): refresh here, single-flight within this process only. */
    public static final RefreshClaim LOCAL = new RefreshClaim(Kind.LOCAL, 0);
    public static final RefreshClaim DONE = new RefreshClaim(Kind.DONE, 0);
    public static final RefreshClaim ENDED = new RefreshClaim(Kind.ENDED, 0);
    public static final RefreshClaim BUSY = new RefreshClaim(Kind.BUSY, 0);

    public enum Kind {
        /** Refresh here; the store is this process's own (or the fleet's cannot be reached). */
        LOCAL,
        /** This instance holds the fleet-wide lock: it refreshes, and writes the result fenced by {@link #fence}. */
        HELD,
        /** Another instance refreshed it meanwhile: the new session (and the old id's alias) are held here now. */
        DONE,
        /** The session ended elsewhere (signed out, revoked): nothing to refresh. */
        ENDED,
        /** Another instance is refreshing it and its result did not come within the wait: as an unreachable issuer. */
        BUSY
    }

    public RefreshClaim {
        Objects.requireNonNull(kind, "kind");
    }
}
