package dev.portcullis.membership;

import java.time.Instant;
import java.util.Objects;

/**
 * One directory change that can take access away from (or give it back to) tokens already issued:
 * an Okta System Log event as an Event Hook delivers it, reduced to what the gate needs, or an
 * operator's revocation. Users are named by their Okta id ({@code uid} in a token) and login (the
 * token's {@code sub} for a user); groups by id and display name (a groups claim carries names).
 *
 * @param uuid        the event's own id: Okta may deliver it again, so it is applied once
 * @param type        what happened
 * @param published   when it happened; tokens issued before it are the ones it concerns, and events
 *                    are applied in this order whatever order they arrive in
 * @param userId      the user's Okta id ({@code 00u…}); null for a group-only event or a revocation by login
 * @param userLogin   the user's login (their {@code alternateId}, e.g. an e-mail address); null when unknown
 * @param groupId     the group's Okta id ({@code 00g…}); null for a user-only event
 * @param groupName   the group's name as a groups claim carries it (its new name for a rename)
 * @param reason      free text for the audit line (an operator's {@code --reason}); null for Okta's events
 */
public record DirectoryEvent(String uuid, Type type, Instant published, String userId, String userLogin,
        String groupId, String groupName, String reason) {

    public DirectoryEvent {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(published, "published");
    }

    /** The event types the gate acts on, with Okta's {@code eventType} for each that Okta sends. */
    public enum Type {
        MEMBERSHIP_ADD("group.user_membership.add"),
        MEMBERSHIP_REMOVE("group.user_membership.remove"),
        GROUP_DELETE("group.lifecycle.delete"),
        GROUP_RENAME("group.profile.update"),
        USER_ACTIVATE("user.lifecycle.activate"),
        USER_DEACTIVATE("user.lifecycle.deactivate"),
        USER_SUSPEND("user.lifecycle.suspend"),
        USER_UNSUSPEND("user.lifecycle.unsuspend"),
        SESSION_END("user.session.end"),
        /** An operator's {@code portcullis revoke}: of one group, or with no group of every token. */
        OPERATOR_REVOKE(null);

        private final String oktaType;

        Type(String oktaType) {
            this.oktaType = oktaType;
        }

        /** Okta's {@code eventType}, or null for one that only Portcullis makes. */
        public String oktaType() {
            return oktaType;
        }

        /** The type for Okta's {@code eventType}, or null for one the gate ignores. */
        public static Type ofOkta(String eventType) {
            for (Type t : values()) {
                if (t.oktaType != null && t.oktaType.equals(eventType)) {
                    return t;
                }
            }
            return null;
        }
    }
}
