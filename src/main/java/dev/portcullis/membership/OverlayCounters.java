package dev.portcullis.membership;

/**
 * What the overlay tells metrics: each event applied. Its refusals are counted with every other
 * answer, by reason ({@code portcullis_requests_total}).
 */
public interface OverlayCounters {
    OverlayCounters NONE = type -> { };

    void applied(DirectoryEvent.Type type);
}
