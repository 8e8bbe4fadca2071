package dev.portcullis.membership;

import dev.portcullis.membership.OverlayStore.Space;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The membership overlay: what the directory changed after a token was issued, applied to that
 * token on every request (also to a verified token served from the cache), with no I/O.
 *
 * <p>Semantics, each key keeping only its latest-published event, so events applied out of order
 * end in the same state:
 * <ul>
 *   <li>a removal from a group at {@code t}: a token with {@code iat} before {@code t} no longer
 *       carries the group. A later re-add does not give it back to such a token (a new token carries
 *       the group again: Okta only puts it in while the user is a member);</li>
 *   <li>deactivation, suspension, {@code user.session.end} and an operator's revocation of a user
 *       at {@code t} refuse every token of that user issued before {@code t}, each with its own
 *       reason. Activation and unsuspension revoke nothing and restore nothing: tokens from before
 *       the deactivation stay refused;</li>
 *   <li>a group's deletion at {@code t} takes it from every token issued before {@code t}; an
 *       operator's revocation of one group acts as a removal;</li>
 *   <li>groups are keyed by id where the event has one: every name the overlay has seen the group
 *       under ({@code group.profile.update} renames included) is matched, so a removal still
 *       applies to tokens that carry the group's old name, or its new one.</li>
 * </ul>
 * Users are matched by the token's {@code uid} claim (the Okta user id) against the event's user
 * id; a token without {@code uid} by its {@code sub} against the event's login. An operator's
 * revocation by {@code sub} applies to every token with that {@code sub}. A token without
 * {@code iat} counts as issued before every event (fail closed).
 *
 * <p>An entry is kept until {@code published + window}, the window being the longest
 * {@code max_token_lifetime} plus {@code clock_skew} of the issuers: by then every token it could
 * concern has expired. {@link #sweep} forgets it; it runs on a scheduled thread.
 */
public final class MembershipOverlay implements EventApplier, MembershipCheck {
    private static final String UID = "uid:";
    private static final String LOGIN = "login:";
    private static final String SUB = "sub:";

    private final OverlayStore store;
    private final Duration window;
    private final Clock clock;
    private final OverlayCounters counters;

    /**
     * @param window   how long after its event an entry can still matter: the longest
     *                 {@code max_token_lifetime + clock_skew} of the issuers
     * @param counters told of each event applied; {@link OverlayCounters#NONE} for none
     */
    public MembershipOverlay(SharedState state, Duration window, Clock clock, OverlayCounters counters) {
        this.store = Objects.requireNonNull(state, "state").overlay();
        this.window = Objects.requireNonNull(window, "window");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.counters = Objects.requireNonNull(counters, "counters");
    }

    @Override
    public void apply(DirectoryEvent e) {
        Instant expires = e.published().plus(window);
        if (!expires.isAfter(clock.instant())) {
            counters.applied(e.type()); // every token it could concern has expired already
            return;
        }
        List<String> users = users(e);
        switch (e.type()) {
            case MEMBERSHIP_ADD, GROUP_RENAME -> learnName(e, expires);
            case MEMBERSHIP_REMOVE -> removal(e, users, expires);
            case GROUP_DELETE -> deletion(e, expires);
            case USER_DEACTIVATE -> revoke(e, users, Reason.USER_DEACTIVATED, expires);
            case USER_SUSPEND -> revoke(e, users, Reason.USER_SUSPENDED, expires);
            case SESSION_END -> revoke(e, users, Reason.SESSION_ENDED, expires);
            case OPERATOR_REVOKE -> {
                if (e.groupId() != null || e.groupName() != null) {
                    removal(e, users, expires);
                } else {
                    revoke(e, users, Reason.OPERATOR_REVOKED, expires);
                }
            }
            // Activation and unsuspension give back nothing: a token from before the deactivation
            // stays refused, and the user signs in again for a new one.
            case USER_ACTIVATE, USER_UNSUSPEND -> { }
        }
        counters.applied(e.type());
    }

    /** The references an event names its user by: the Okta id, the login, an operator's {@code sub}. */
    private static List<String> users(DirectoryEvent e) {
        List<String> out = new ArrayList<>(2);
        if (e.type() == DirectoryEvent.Type.OPERATOR_REVOKE) {
            if (e.userId() != null) {
                out.add(UID + e.userId());
            }
            if (e.userLogin() != null) {
                out.add(SUB + e.userLogin());
            }
            return out;
        }
        if (e.userId() != null) {
            out.add(UID + e.userId());
        }
        if (e.userLogin() != null) {
            out.add(LOGIN + e.userLogin());
        }
        return out;
    }

    /** The key the event's group goes by: its id, or for an operator's revocation by name, the name. */
    private static String groupKey(DirectoryEvent e) {
        return e.groupId() != null ? "#" + e.groupId() : "=" + e.groupName();
    }

    private void learnName(DirectoryEvent e, Instant expires) {
        if (e.groupName() == null || e.groupId() == null) {
            return;
        }
        String key = groupKey(e);
        store.addMember("names" + key, e.groupName(), expires);
        if (e.type() != DirectoryEvent.Type.GROUP_RENAME) {
            return;
        }
        // What was recorded under the group's id now applies under its new name too.
        Mark deleted = store.get(Space.DELETED, key);
        if (deleted != null) {
            store.putLatest(Space.DELETED, e.groupName(), deleted);
        }
        for (String user : store.members("removed" + key)) {
            Mark m = store.get(Space.MEMBERSHIP, user + "|" + key);
            if (m != null) {
                store.putLatest(Space.MEMBERSHIP, user + "|" + e.groupName(), m);
            }
        }
    }

    private Set<String> names(DirectoryEvent e, String key, Instant expires) {
        Set<String> names = new LinkedHashSet<>(store.members("names" + key));
        if (e.groupName() != null) {
            names.add(e.groupName());
            if (e.groupId() != null) {
                store.addMember("names" + key, e.groupName(), expires);
            }
        }
        return names;
    }

    private void removal(DirectoryEvent e, List<String> users, Instant expires) {
        String key = groupKey(e);
        Mark mark = new Mark(e.uuid(), e.published(), expires, Reason.MEMBERSHIP_REVOKED, e.type(), e.reason());
        Set<String> names = names(e, key, expires);
        for (String user : users) {
            store.putLatest(Space.MEMBERSHIP, user + "|" + key, mark);
            for (String name : names) {
                store.putLatest(Space.MEMBERSHIP, user + "|" + name, mark);
            }
            store.addMember("removed" + key, user, expires);
            store.putLatest(Space.REMOVED_ANY, user, mark);
        }
    }

    private void deletion(DirectoryEvent e, Instant expires) {
        String key = groupKey(e);
        Mark mark = new Mark(e.uuid(), e.published(), expires, Reason.MEMBERSHIP_REVOKED, e.type(), e.reason());
        store.putLatest(Space.DELETED, key, mark);
        for (String name : names(e, key, expires)) {
            store.putLatest(Space.DELETED, name, mark);
        }
    }

    private void revoke(DirectoryEvent e, List<String> users, Reason reason, Instant expires) {
        Mark mark = new Mark(e.uuid(), e.published(), expires, reason, e.type(), e.reason());
        for (String user : users) {
            store.putLatest(Space.REVOKED, user, mark);
        }
    }

    /**
     * The keys a token's user goes by here, and its {@code iat}: made once per cached caller
     * ({@link Identity#derive}).
     */
    private record UserKeys(String byId, String bySub, long iat) {
        static UserKeys of(String uid, String sub, long iatSeconds) {
            return new UserKeys(uid != null ? UID + uid : LOGIN + sub, SUB + sub, iatSeconds);
        }
    }

    private static final Function<Identity, UserKeys> KEYS = who -> {
        Object uid = who.claims().get("uid");
        Object iat = who.claims().get("iat");
        return UserKeys.of(uid instanceof String s ? s : null, who.subject(),
                iat instanceof Number n ? n.longValue() : Long.MIN_VALUE);
    };

    @Override
    public OverlayVerdict check(Identity who) {
        return unchanged() ? OverlayVerdict.UNCHANGED : check(who.derive(KEYS), who.groups());
    }

    /**
     * The overlay's verdict on one token.
     *
     * @param uid        the token's {@code uid} claim, or null
     * @param sub        its {@code sub}
     * @param iatSeconds its {@code iat} (epoch seconds), or {@link Long#MIN_VALUE} when it has none
     * @param groups     its groups
     */
    public OverlayVerdict check(String uid, String sub, long iatSeconds, Set<String> groups) {
        return unchanged() ? OverlayVerdict.UNCHANGED : check(UserKeys.of(uid, sub, iatSeconds), groups);
    }

    /** Whether the directory has changed nothing the overlay keeps (no token needs its keys then). */
    private boolean unchanged() {
        return store.isEmpty(Space.REVOKED) && store.isEmpty(Space.REMOVED_ANY) && store.isEmpty(Space.DELETED);
    }

    private OverlayVerdict check(UserKeys keys, Set<String> groups) {
        String byId = keys.byId();
        String bySub = keys.bySub();
        long iatSeconds = keys.iat();
        boolean removals = !store.isEmpty(Space.REMOVED_ANY);
        boolean deletions = !store.isEmpty(Space.DELETED);
        if (!store.isEmpty(Space.REVOKED)) {
            Mark m = concerning(Space.REVOKED, byId, iatSeconds);
            m = m != null ? m : concerning(Space.REVOKED, bySub, iatSeconds);
            if (m != null) {
                return new OverlayVerdict.Refused(m.reason(), m.eventUuid());
            }
        }
        boolean idRemovals = removals && concerning(Space.REMOVED_ANY, byId, iatSeconds) != null;
        boolean subRemovals = removals && concerning(Space.REMOVED_ANY, bySub, iatSeconds) != null;
        if (!idRemovals && !subRemovals && !deletions) {
            return OverlayVerdict.UNCHANGED;
        }
        return narrow(groups, iatSeconds, idRemovals ? byId : null, subRemovals ? bySub : null, deletions);
    }

    private OverlayVerdict narrow(Set<String> groups, long iat, String byId, String bySub, boolean deletions) {
        Set<String> kept = null;
        String first = null;
        int i = 0;
        for (String g : groups) {
            Mark m = deletions ? concerning(Space.DELETED, g, iat) : null;
            m = m == null && byId != null ? concerning(Space.MEMBERSHIP, byId + "|" + g, iat) : m;
            m = m == null && bySub != null ? concerning(Space.MEMBERSHIP, bySub + "|" + g, iat) : m;
            if (m != null && kept == null) {
                kept = new LinkedHashSet<>();
                first = m.eventUuid();
                int j = 0;
                for (String earlier : groups) {
                    if (j++ == i) {
                        break;
                    }
                    kept.add(earlier);
                }
            } else if (m == null && kept != null) {
                kept.add(g);
            }
            i++;
        }
        return kept == null ? OverlayVerdict.UNCHANGED : new OverlayVerdict.Narrowed(kept, first);
    }

    private Mark concerning(Space space, String key, long iat) {
        Mark m = store.get(space, key);
        return m != null && m.concerns(iat) ? m : null;
    }

    /** Forgets what can no longer concern any token; for a scheduled thread. Returns how many entries went. */
    public int sweep() {
        return store.sweep(clock.instant());
    }

    /** How many entries the overlay holds. */
    public int size() {
        return store.size();
    }

    /** The store, for listing its entries. */
    public OverlayStore store() {
        return store;
    }
}
