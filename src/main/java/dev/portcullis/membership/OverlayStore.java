package dev.portcullis.membership;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

/**
 * The membership overlay's entries: marks under string keys in a few key spaces, each kept only
 * while it can matter ({@link Mark#expires()}), and small sets of names under string keys (a
 * group's names, the users removed from it). Reads are lock-free and never block: the request
 * path calls {@link #get}. Writes come from the one thread that applies events.
 */
public interface OverlayStore {
    /** What a key names. */
    enum Space {
        /**
         * A user's revocation of every earlier token; key: a user reference ({@code uid:…},
         * {@code login:…}, {@code sub:…}).
         */
        REVOKED,
        /** A user's latest group removal (so a user with none costs one lookup); key: a user reference. */
        REMOVED_ANY,
        /** A user's removal from a group; key: user reference, {@code '|'}, group name (or {@code #} group id). */
        MEMBERSHIP,
        /** A group's deletion; key: group name (or {@code #} group id). */
        DELETED
    }

    /** The mark under key, or null. */
    Mark get(Space space, String key);

    /** Keeps {@code mark} under key unless the mark already there was published later (or at the same instant). */
    void putLatest(Space space, String key, Mark mark);

    /** Whether a space holds no mark: lets the request path skip it. */
    boolean isEmpty(Space space);

    /** Adds a member to the set under key; it is kept until {@code expires} (the later, when it is there already). */
    void addMember(String set, String member, Instant expires);

    /** The members of the set under key (empty when none). */
    Set<String> members(String set);

    /** Forgets every mark and member whose time is over; returns how many went. */
    int sweep(Instant now);

    /** How many marks and set members are held. */
    int size();

    /** The marks of a space, by key (a copy), for listing. */
    Map<String, Mark> marks(Space space);
}
