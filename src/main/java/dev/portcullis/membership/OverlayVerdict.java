package dev.portcullis.membership;

import dev.portcullis.vocab.Reason;
import java.util.Objects;
import java.util.Set;

/**
 * What the membership overlay says of one verified caller: nothing changed (the common case), some
 * of the token's groups are gone, or the token is refused altogether.
 */
public sealed interface OverlayVerdict {
    /** The token stands as issued. */
    OverlayVerdict UNCHANGED = new Unchanged();

    /** The token stands as issued. */
    record Unchanged() implements OverlayVerdict {
    }

    /**
     * The token no longer carries some of its groups.
     *
     * @param groups    the groups it still carries, in the token's order
     * @param eventUuid the event that took the first of the others away
     */
    record Narrowed(Set<String> groups, String eventUuid) implements OverlayVerdict {
        public Narrowed {
            Objects.requireNonNull(groups, "groups");
            Objects.requireNonNull(eventUuid, "eventUuid");
        }
    }

    /**
     * The token is refused: its user was deactivated, suspended, signed out or revoked after it was issued.
     *
     * @param reason    {@code user_deactivated}, {@code user_suspended}, {@code session_ended} or
     *                  {@code operator_revoked}
     * @param eventUuid the event that did it
     */
    record Refused(Reason reason, String eventUuid) implements OverlayVerdict {
        public Refused {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(eventUuid, "eventUuid");
        }
    }
}
