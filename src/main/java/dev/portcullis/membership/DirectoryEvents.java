package dev.portcullis.membership;

import java.util.List;

/**
 * Where directory changes go: the Event Hook receiver and the admin revocation endpoint hand their
 * events here, and the membership overlay applies them. Implementations never block the caller on
 * I/O: they queue, de-duplicate by {@link DirectoryEvent#uuid()} and apply in
 * {@link DirectoryEvent#published()} order.
 */
public interface DirectoryEvents {
    /**
     * Takes events of one delivery for applying (not necessarily applied on return).
     *
     * @return how many were new: not already seen under their uuid
     * @throws QueueFull when the events cannot be taken now; none of them was taken
     */
    int submit(List<DirectoryEvent> events);

    /** Thrown by {@link #submit} when the queue is full: the sender should come again later (503). */
    final class QueueFull extends RuntimeException {
        public QueueFull(int capacity) {
            super("directory event queue full (" + capacity + " events)", null, false, false);
        }
    }
}
