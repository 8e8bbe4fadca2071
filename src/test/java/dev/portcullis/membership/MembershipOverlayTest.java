package dev.portcullis.membership;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.membership.DirectoryEvent.Type;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The overlay's semantics as a table: events (published relative to T) against one token. */
class MembershipOverlayTest {
    private static final long T = 1_800_000_000L;
    private static final Duration WINDOW = Duration.ofHours(1);

    /** A clock tests move. */
    static final class MovingClock extends Clock {
        Instant now;

        MovingClock(Instant now) {
            this.now = now;
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    /** An event at T + seconds (ms allowed as fraction via millis). */
    static DirectoryEvent ev(String uuid, Type type, long atMillis, String userId, String login, String groupId,
            String groupName) {
        return new DirectoryEvent(uuid, type, Instant.ofEpochMilli(T * 1000 + atMillis), userId, login, groupId,
                groupName, null);
    }

    static DirectoryEvent remove(String uuid, long atMillis, String groupId, String name) {
        return ev(uuid, Type.MEMBERSHIP_REMOVE, atMillis, "00u-alice", "alice@example.com", groupId, name);
    }

    static DirectoryEvent user(String uuid, Type type, long atMillis) {
        return ev(uuid, type, atMillis, "00u-alice", "alice@example.com", null, null);
    }

    /** A token: uid (or null), sub, iat relative to T in seconds, groups. */
    record Token(String uid, String sub, long iat, List<String> groups) {
        static Token alice(long iat, String... groups) {
            return new Token("00u-alice", "alice@example.com", iat, List.of(groups));
        }
    }

    /** UNCHANGED, "refused:<reason>:<uuid>" or "groups:[…]:<uuid>". */
    static String show(OverlayVerdict v) {
        if (v instanceof OverlayVerdict.Refused r) {
            return "refused:" + r.reason().code() + ":" + r.eventUuid();
        }
        if (v instanceof OverlayVerdict.Narrowed n) {
            return "groups:" + n.groups() + ":" + n.eventUuid();
        }
        return "unchanged";
    }

    static Stream<Arguments> table() {
        return Stream.of(
                Arguments.of("no events", List.of(), Token.alice(0, "admins", "readers"), "unchanged"),
                Arguments.of("removal after iat", List.of(remove("e1", 10_000, "00g1", "admins")),
                        Token.alice(0, "admins", "readers"), "groups:[readers]:e1"),
                Arguments.of("removal before iat: the newer token is trusted",
                        List.of(remove("e1", 10_000, "00g1", "admins")), Token.alice(11, "admins"), "unchanged"),
                Arguments.of("removal in the token's second: fail closed",
                        List.of(remove("e1", 10_500, "00g1", "admins")), Token.alice(10, "admins"), "groups:[]:e1"),
                Arguments.of("re-add after the removal does not give it back to an older token",
                        List.of(remove("e1", 10_000, "00g1", "admins"),
                                ev("e2", Type.MEMBERSHIP_ADD, 20_000, "00u-alice", null, "00g1", "admins")),
                        Token.alice(0, "readers", "admins"), "groups:[readers]:e1"),
                Arguments.of("re-add applied before an older removal (out of order): same state",
                        List.of(ev("e2", Type.MEMBERSHIP_ADD, 20_000, "00u-alice", null, "00g1", "admins"),
                                remove("e1", 10_000, "00g1", "admins")),
                        Token.alice(0, "admins"), "groups:[]:e1"),
                Arguments.of("two removals out of order: the later one is kept",
                        List.of(remove("e2", 30_000, "00g1", "admins"), remove("e1", 10_000, "00g1", "admins")),
                        Token.alice(20, "admins"), "groups:[]:e2"),
                Arguments.of("another user's removal", List.of(ev("e1", Type.MEMBERSHIP_REMOVE, 10_000, "00u-bob",
                        "bob@example.com", "00g1", "admins")), Token.alice(0, "admins"), "unchanged"),
                Arguments.of("deactivation", List.of(user("e1", Type.USER_DEACTIVATE, 10_000)),
                        Token.alice(0, "admins"), "refused:user_deactivated:e1"),
                Arguments.of("deactivation, then activation: the old token stays refused",
                        List.of(user("e1", Type.USER_DEACTIVATE, 10_000), user("e2", Type.USER_ACTIVATE, 20_000)),
                        Token.alice(0, "admins"), "refused:user_deactivated:e1"),
                Arguments.of("deactivation, activation: a token issued after is allowed",
                        List.of(user("e1", Type.USER_DEACTIVATE, 10_000), user("e2", Type.USER_ACTIVATE, 20_000)),
                        Token.alice(21, "admins"), "unchanged"),
                Arguments.of("suspension", List.of(user("e1", Type.USER_SUSPEND, 10_000)), Token.alice(0),
                        "refused:user_suspended:e1"),
                Arguments.of("unsuspension restores nothing",
                        List.of(user("e1", Type.USER_SUSPEND, 10_000), user("e2", Type.USER_UNSUSPEND, 11_000)),
                        Token.alice(0), "refused:user_suspended:e1"),
                Arguments.of("session end", List.of(user("e1", Type.SESSION_END, 10_000)), Token.alice(0),
                        "refused:session_ended:e1"),
                Arguments.of("session end, then deactivation out of order: the later one names the reason",
                        List.of(user("e2", Type.USER_DEACTIVATE, 20_000), user("e1", Type.SESSION_END, 10_000)),
                        Token.alice(0), "refused:user_deactivated:e2"),
                Arguments.of("operator revocation by sub applies to a token with a uid",
                        List.of(ev("op1", Type.OPERATOR_REVOKE, 10_000, null, "alice@example.com", null, null)),
                        Token.alice(0, "admins"), "refused:operator_revoked:op1"),
                Arguments.of("operator revocation of one group",
                        List.of(ev("op1", Type.OPERATOR_REVOKE, 10_000, null, "alice@example.com", null, "admins")),
                        Token.alice(0, "admins", "readers"), "groups:[readers]:op1"),
                Arguments.of("group deletion takes it from every earlier token",
                        List.of(ev("e1", Type.GROUP_DELETE, 10_000, null, null, "00g1", "admins")),
                        new Token("00u-carol", "carol", 0, List.of("readers", "admins")), "groups:[readers]:e1"),
                Arguments.of("group deletion spares a later token", List.of(ev("e1", Type.GROUP_DELETE, 10_000,
                        null, null, "00g1", "admins")), Token.alice(11, "admins"), "unchanged"),
                Arguments.of("removal after a rename still matches the old name a token carries",
                        List.of(ev("e0", Type.MEMBERSHIP_ADD, 0, "00u-bob", null, "00g1", "admins"),
                                ev("e1", Type.GROUP_RENAME, 5_000, null, null, "00g1", "ops"),
                                remove("e2", 10_000, "00g1", "ops")),
                        Token.alice(1, "admins"), "groups:[]:e2"),
                Arguments.of("removal before a rename also matches the new name",
                        List.of(remove("e1", 10_000, "00g1", "admins"),
                                ev("e2", Type.GROUP_RENAME, 20_000, null, null, "00g1", "ops")),
                        Token.alice(0, "ops", "readers"), "groups:[readers]:e1"),
                Arguments.of("deletion before a rename also matches the new name",
                        List.of(ev("e1", Type.GROUP_DELETE, 10_000, null, null, "00g1", "admins"),
                                ev("e2", Type.GROUP_RENAME, 20_000, null, null, "00g1", "ops")),
                        Token.alice(0, "ops"), "groups:[]:e1"),
                Arguments.of("a token without uid is matched by sub against the login",
                        List.of(user("e1", Type.USER_DEACTIVATE, 10_000)),
                        new Token(null, "alice@example.com", 0, List.of()), "refused:user_deactivated:e1"),
                Arguments.of("a token with another uid is not matched by its sub",
                        List.of(user("e1", Type.USER_DEACTIVATE, 10_000)),
                        new Token("00u-other", "alice@example.com", 0, List.of()), "unchanged"),
                Arguments.of("a token with the uid and another sub is matched",
                        List.of(user("e1", Type.USER_DEACTIVATE, 10_000)),
                        new Token("00u-alice", "something-else", 0, List.of()), "refused:user_deactivated:e1"),
                Arguments.of("a token without iat counts as older than every event",
                        List.of(remove("e1", 10_000, "00g1", "admins")),
                        new Token("00u-alice", "alice@example.com", Long.MIN_VALUE, List.of("admins")),
                        "groups:[]:e1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void overlaySemantics(String name, List<DirectoryEvent> events, Token token, String expected) {
        MembershipOverlay overlay = new MembershipOverlay(new MemorySharedState(), WINDOW,
                new MovingClock(Instant.ofEpochSecond(T + 60)), OverlayCounters.NONE);
        events.forEach(overlay::apply);
        long iat = token.iat() == Long.MIN_VALUE ? Long.MIN_VALUE : T + token.iat();
        assertThat(show(overlay.check(token.uid(), token.sub(), iat, new LinkedHashSet<>(token.groups()))))
                .isEqualTo(expected);
        // The same through a verified identity, as the decision core asks.
        Map<String, Object> claims = new java.util.HashMap<>();
        if (token.uid() != null) {
            claims.put("uid", token.uid());
        }
        if (iat != Long.MIN_VALUE) {
            claims.put("iat", iat);
        }
        Identity who = new Identity("okta", token.sub(), new LinkedHashSet<>(token.groups()), Set.of(), null, null,
                null, T + 3600, claims);
        assertThat(show(overlay.check(who))).isEqualTo(expected);
    }

    @Test
    void anEventOlderThanTheWindowIsNotKept() {
        MovingClock clock = new MovingClock(Instant.ofEpochSecond(T + 7200));
        MembershipOverlay overlay = new MembershipOverlay(new MemorySharedState(), WINDOW, clock, OverlayCounters.NONE);
        overlay.apply(user("e1", Type.USER_DEACTIVATE, 0));
        assertThat(overlay.size()).isZero();
    }

    @Test
    void entriesAreForgottenOnceEveryTokenTheyConcernHasExpired() {
        MovingClock clock = new MovingClock(Instant.ofEpochSecond(T));
        MembershipOverlay overlay = new MembershipOverlay(new MemorySharedState(), WINDOW, clock, OverlayCounters.NONE);
        overlay.apply(user("e1", Type.USER_DEACTIVATE, 0));
        overlay.apply(remove("e2", 0, "00g1", "admins"));
        overlay.apply(ev("e3", Type.GROUP_DELETE, 0, null, null, "00g2", "ops"));
        assertThat(overlay.size()).isGreaterThan(0);
        clock.now = Instant.ofEpochSecond(T).plus(WINDOW).minusSeconds(1);
        overlay.sweep();
        assertThat(overlay.size()).as("still within the window").isGreaterThan(0);
        clock.now = Instant.ofEpochSecond(T).plus(WINDOW);
        overlay.sweep();
        assertThat(overlay.size()).isZero();
    }

    @Test
    void aFloodOfOneHundredThousandEventsStaysWithinItsBound() {
        MovingClock clock = new MovingClock(Instant.ofEpochSecond(T));
        MembershipOverlay overlay = new MembershipOverlay(new MemorySharedState(), WINDOW, clock, OverlayCounters.NONE);
        // 100,000 removals of distinct users, one every 100 ms (about 2.8 hours, almost three windows),
        // swept every 1,000 events as the scheduler would (every 100 s here).
        int perWindow = (int) (WINDOW.toMillis() / 100);
        int sweepEvery = 1_000;
        int maxSeen = 0;
        for (int i = 0; i < 100_000; i++) {
            clock.now = Instant.ofEpochMilli(T * 1000 + i * 100L);
            overlay.apply(ev("e" + i, Type.MEMBERSHIP_REMOVE, i * 100L, "00u" + i, "user" + i, "00g" + (i % 50),
                    "group" + (i % 50)));
            if (i % sweepEvery == sweepEvery - 1) {
                maxSeen = Math.max(maxSeen, overlay.size()); // the most there is: just before a sweep
                overlay.sweep();
            }
        }
        // A removal of a user named by id and login holds eight entries (per name: the membership
        // under the group's id and name, the user's latest removal, its place among the group's
        // removed users), the group's names are shared: so at most eight per event of one window
        // and one sweep period, whatever the length of the flood.
        assertThat(maxSeen).isGreaterThan(8 * perWindow / 2).isLessThanOrEqualTo(8 * (perWindow + sweepEvery) + 50);
        clock.now = clock.now.plus(WINDOW);
        overlay.sweep();
        assertThat(overlay.size()).as("everything expired is gone").isZero();
    }

    @Test
    void aFloodOnOneUserAndGroupHoldsAHandfulOfEntries() {
        MovingClock clock = new MovingClock(Instant.ofEpochSecond(T + 10_000));
        MembershipOverlay overlay = new MembershipOverlay(new MemorySharedState(), WINDOW, clock, OverlayCounters.NONE);
        for (int i = 0; i < 100_000; i++) {
            overlay.apply(i % 2 == 0 ? remove("e" + i, 10_000_000L - i, "00g1", "admins")
                    : user("e" + i, Type.USER_SUSPEND, 10_000_000L - i));
        }
        assertThat(overlay.size()).as("per name: two memberships, a latest removal, a removed member, a revocation;"
                + " and the group's name").isEqualTo(11);
        assertThat(show(overlay.check("00u-alice", "alice@example.com", T, Set.of("admins"))))
                .isEqualTo("refused:user_suspended:e1");
    }

    @Test
    void appliedEventsAreCountedByType() {
        List<Type> seen = new java.util.ArrayList<>();
        MembershipOverlay overlay = new MembershipOverlay(new MemorySharedState(), WINDOW,
                new MovingClock(Instant.ofEpochSecond(T)), seen::add);
        overlay.apply(user("e1", Type.USER_ACTIVATE, 0));
        overlay.apply(remove("e2", 0, "00g1", "admins"));
        assertThat(seen).containsExactly(Type.USER_ACTIVATE, Type.MEMBERSHIP_REMOVE);
    }

    /**
     * An identity keeps the keys its user goes by (made once, not per request), never a verdict: the
     * same identity checked again is judged by what the overlay holds now.
     */
    @Test
    void aCachedIdentityKeepsItsKeysButIsJudgedByTheOverlayNow() {
        MembershipOverlay overlay = new MembershipOverlay(new MemorySharedState(), WINDOW,
                new MovingClock(Instant.ofEpochSecond(T + 60)), OverlayCounters.NONE);
        Identity who = new Identity("okta", "alice@example.com", new LinkedHashSet<>(List.of("admins", "ops")),
                Set.of(), null, null, null, T + 3600, Map.of("uid", "00u-alice", "iat", T - 10));
        Identity bob = new Identity("okta", "bob@example.com", Set.of("admins"), Set.of(), null, null, null, T + 3600,
                Map.of("iat", T - 10));
        assertThat(show(overlay.check(who))).isEqualTo("unchanged");
        overlay.apply(ev("e1", Type.MEMBERSHIP_REMOVE, 0, "00u-bob", "bob@example.com", "00g1", "admins"));
        assertThat(show(overlay.check(who))).isEqualTo("unchanged");
        assertThat(show(overlay.check(bob))).isEqualTo("groups:[]:e1");
        overlay.apply(remove("e2", 0, "00g1", "admins"));
        assertThat(show(overlay.check(who))).isEqualTo("groups:[ops]:e2");
        assertThat(show(overlay.check(who))).isEqualTo("groups:[ops]:e2");
        overlay.apply(user("e3", Type.USER_DEACTIVATE, 0));
        assertThat(show(overlay.check(who))).isEqualTo("refused:user_deactivated:e3");
        assertThat(show(overlay.check(bob))).isEqualTo("groups:[]:e1");
    }
}
