package dev.portcullis.demo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The dev issuer's Okta directory: its users (by Okta id, with a status) and groups (by Okta id),
 * and who is in which group. It starts from the {@link DevUsers} and their groups, changes only by
 * the admin call ({@link MembershipRoute}), and is what both the management API
 * ({@link DirectoryApi}) and new tokens read, so that a token minted after a change carries the
 * groups the directory has then. Thread-safe: every method holds the one lock, briefly.
 */
final class Directory {
    /** Okta's user statuses that the dev issuer plays. */
    enum Status { ACTIVE, SUSPENDED, DEPROVISIONED }

    /** A group as Okta's API shows it (type {@code OKTA_GROUP}). */
    record Group(String id, String name, String description) {
    }

    /** A user as it is now: the issuer's user with its current groups, and its status. */
    record Entry(DemoUser user, Status status) {
        String id() {
            return user.uid();
        }
    }

    private final Map<String, DemoUser> users = new LinkedHashMap<>();
    private final Map<String, Status> status = new HashMap<>();
    private final Map<String, Set<String>> memberOf = new HashMap<>();
    private final Map<String, Group> groupsByName = new LinkedHashMap<>();

    Directory(DevUsers devUsers) {
        for (DemoUser u : devUsers.all()) {
            users.put(u.uid(), u);
            status.put(u.uid(), Status.ACTIVE);
            memberOf.put(u.uid(), new LinkedHashSet<>(u.groups()));
            u.groups().forEach(this::group);
        }
    }

    private Group group(String name) {
        return groupsByName.computeIfAbsent(name, n -> new Group(OktaIds.group(n), n, "dev issuer group " + n));
    }

    /** A user by Okta id, login or e-mail (ignoring case for the last two). */
    synchronized Optional<Entry> user(String idOrLogin) {
        DemoUser byId = idOrLogin == null ? null : users.get(idOrLogin);
        return byId != null ? Optional.of(entry(byId)) : login(idOrLogin);
    }

    /** A user by login or e-mail, ignoring case. */
    synchronized Optional<Entry> login(String loginOrEmail) {
        if (loginOrEmail == null) {
            return Optional.empty();
        }
        return users.values().stream()
                .filter(x -> x.login().equalsIgnoreCase(loginOrEmail) || x.email().equalsIgnoreCase(loginOrEmail))
                .findFirst().map(this::entry);
    }

    private Entry entry(DemoUser u) {
        List<String> groups = List.copyOf(memberOf.get(u.uid()));
        return new Entry(new DemoUser(u.login(), u.email(), u.uid(), groups, u.scopes()), status.get(u.uid()));
    }

    /** A group by Okta id or exact name. */
    synchronized Optional<Group> group(String idOrName, boolean byIdOnly) {
        Group byName = byIdOnly ? null : groupsByName.get(idOrName);
        return byName != null ? Optional.of(byName)
                : groupsByName.values().stream().filter(g -> g.id().equals(idOrName)).findFirst();
    }

    /** Every group, ordered by id (the order pages are cut in). */
    synchronized List<Group> groups() {
        return sortById(new ArrayList<>(groupsByName.values()));
    }

    /** The user's groups, ordered by id. */
    synchronized List<Group> groupsOf(String userId) {
        List<Group> out = new ArrayList<>();
        memberOf.getOrDefault(userId, Set.of()).forEach(n -> out.add(groupsByName.get(n)));
        return sortById(out);
    }

    /** The group's members as they are now, ordered by id. */
    synchronized List<Entry> members(Group group) {
        List<Entry> out = new ArrayList<>();
        users.values().stream().filter(u -> memberOf.get(u.uid()).contains(group.name()))
                .sorted(Comparator.comparing(DemoUser::uid)).forEach(u -> out.add(entry(u)));
        return out;
    }

    /** Adds ({@code add} true) or removes the membership; false when it was already so. */
    synchronized boolean setMember(String userId, Group group, boolean add) {
        Set<String> groups = memberOf.get(userId);
        return add ? groups.add(group.name()) : groups.remove(group.name());
    }

    /** Sets the user's status; false when it already had it. */
    synchronized boolean setStatus(String userId, Status to) {
        return status.put(userId, to) != to;
    }

    /** Every user as they are now, in the order they were given. */
    synchronized List<Entry> entries() {
        return users.values().stream().map(this::entry).toList();
    }

    /** The logins, for messages. */
    synchronized List<String> logins() {
        return users.values().stream().map(DemoUser::login).toList();
    }

    private static <T extends Group> List<T> sortById(List<T> groups) {
        groups.sort(Comparator.comparing(Group::id));
        return groups;
    }
}
