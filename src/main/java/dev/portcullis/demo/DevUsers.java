package dev.portcullis.demo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The users one {@link DevIssuer} mints tokens for: the fixed {@link DemoUsers}, or the users
 * given with {@code dev-issuer --user}, which replace them. Found by login or e-mail, ignoring case.
 */
public final class DevUsers {
    private final List<DemoUser> users;

    private DevUsers(List<DemoUser> users) {
        this.users = List.copyOf(users);
    }

    /** The fixed demo users: alice, bob, mallory, carol. */
    public static DevUsers demo() {
        return new DevUsers(DemoUsers.USERS);
    }

    /** These users; none is the demo users. Two users with the same login or e-mail are refused. */
    public static DevUsers of(List<DemoUser> users) {
        if (users.isEmpty()) {
            return demo();
        }
        Set<String> seen = new HashSet<>();
        for (DemoUser u : users) {
            if (!seen.add(u.login().toLowerCase(Locale.ROOT)) || !seen.add(u.email().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("user '" + u.login() + "' is given twice");
            }
        }
        return new DevUsers(users);
    }

    public List<DemoUser> all() {
        return users;
    }

    /** By login ({@code alice}) or e-mail ({@code alice@example.com}), ignoring case. */
    public Optional<DemoUser> find(String loginOrEmail) {
        if (loginOrEmail == null) {
            return Optional.empty();
        }
        return users.stream().filter(u -> u.login().equalsIgnoreCase(loginOrEmail)
                || u.email().equalsIgnoreCase(loginOrEmail)).findFirst();
    }

    /** The user, or an {@link IllegalArgumentException} naming the known logins. */
    DemoUser require(String loginOrEmail) {
        return find(loginOrEmail).orElseThrow(() -> new IllegalArgumentException("unknown user '" + loginOrEmail
                + "'; known: " + String.join(", ", logins())));
    }

    List<String> logins() {
        return users.stream().map(DemoUser::login).toList();
    }

    /** Every scope some user may ask for, in first-seen order. */
    List<String> scopes() {
        Set<String> out = new LinkedHashSet<>();
        users.forEach(u -> out.addAll(u.scopes()));
        return new ArrayList<>(out);
    }
}
