package dev.portcullis.demo;

import java.util.List;
import java.util.Objects;

/**
 * A fixed demo user of the {@link DevIssuer}. Its password is its login (development only).
 *
 * @param login  the short login name, e.g. {@code alice}
 * @param email  the Okta login, which is also the token's {@code sub} and {@code email}
 * @param uid    a stable fake Okta user id ({@code 00u…}, 20 characters), the token's {@code uid}
 * @param groups the token's {@code groups} claim, in order
 */
public record DemoUser(String login, String email, String uid, List<String> groups) {

    public DemoUser {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(uid, "uid");
        groups = List.copyOf(groups);
    }

    /** The token's {@code sub}: the login e-mail, as in Okta. */
    public String subject() {
        return email;
    }
}
