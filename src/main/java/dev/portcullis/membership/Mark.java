package dev.portcullis.membership;

import dev.portcullis.vocab.Reason;
import java.time.Instant;
import java.util.Objects;

/**
 * One overlay entry's value: the event that made it, when it was published (tokens issued before
 * then are the ones it concerns), and when it is forgotten (every such token has expired by then).
 *
 * @param eventUuid the event's uuid, for the audit line
 * @param published when the event happened
 * @param expires   {@code published + max_token_lifetime + clock_skew}
 * @param reason    what a token it concerns gets: a refusal of its own, or {@code membership_revoked}
 * @param type      the event's type
 * @param note      the operator's {@code --reason}, or null
 */
public record Mark(String eventUuid, Instant published, Instant expires, Reason reason, DirectoryEvent.Type type,
        String note) {

    public Mark {
        Objects.requireNonNull(eventUuid, "eventUuid");
        Objects.requireNonNull(published, "published");
        Objects.requireNonNull(expires, "expires");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(type, "type");
    }

    /** Whether this mark is about a token issued at {@code iatSeconds} (epoch seconds): issued before the event. */
    public boolean concerns(long iatSeconds) {
        // A token's iat has whole seconds: one issued in the same second as the event may be older
        // than it, and is treated as older (fail closed; a new token a second later is not).
        return iatSeconds <= published.getEpochSecond();
    }

    /** Whether {@code other} was published after this one (ties keep the mark already there). */
    boolean olderThan(Mark other) {
        return other.published.isAfter(published);
    }
}
