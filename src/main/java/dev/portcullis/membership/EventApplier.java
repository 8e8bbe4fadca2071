package dev.portcullis.membership;

/**
 * Applies directory events to the gate's state (the membership overlay). Called from one thread at
 * a time, each event uuid at most once; events mostly come in {@link DirectoryEvent#published()}
 * order, but one delivered late may be older than one already applied, so the state keeps, per
 * user and group, only what the latest-published event said.
 */
public interface EventApplier {
    void apply(DirectoryEvent event);
}
