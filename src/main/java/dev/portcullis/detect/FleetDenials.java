package dev.portcullis.detect;

/**
 * Where detection also counts denials when it runs in a fleet: every instance's denials of one
 * source add up (on Redis), and a block decided on one instance holds on all of them. Implemented
 * outside this package ({@code shared}); {@link Detection} hands it each counted denial.
 *
 * <p>Called on the event loops: an implementation never blocks and never throws. When the fleet
 * cannot be reached it falls back to this instance's own decision ({@code tripped}), so detection
 * without the fleet works exactly as without one.
 */
public interface FleetDenials {
    /** The kind of a client address key ({@link ClientKeys}). */
    String CLIENT = "client";
    /** The kind of a subject key ({@link IntrusionDetector#subjectKey}). */
    String SUBJECT = "subject";

    /**
     * One counted denial of a source, after this instance counted it.
     *
     * @param kind      {@link #CLIENT} or {@link #SUBJECT}
     * @param key       the source's key (raw: an implementation stores only a hash of it in keys)
     * @param tripped   the event this instance's own count raised for the source on this denial,
     *                  not yet written (an instant event already was), or null
     * @param nowMillis when the denial happened
     */
    void counted(String kind, String key, IntrusionEvent tripped, long nowMillis);
}
