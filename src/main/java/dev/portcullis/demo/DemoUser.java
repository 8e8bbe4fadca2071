package dev.portcullis.demo;

import java.util.List;
import java.util.Objects;

/**
 * A user of the {@link DevIssuer}: one of the fixed demo users, or one given with
 * {@code dev-issuer --user}. Its password is its login (development only).
 *
 * @param login  the short login name, e.g. {@code alice}
 * @param email  the Okta login, which is also the token's {@code sub} and {@code email}
 * @param uid    a stable fake Okta user id ({@code 00u…}, 20 characters), the token's {@code uid}
 * @param groups the token's {@code groups} claim, in order
 * @param scopes the scopes the user's tokens may carry, and carry when none are asked for
 */
public record DemoUser(String login, String email, String uid, List<String> groups, List<String> scopes) {

    /** The scopes of a user token unless others are given: Okta's OIDC scopes. */
    public static final List<String> DEFAULT_SCOPES = List.of("openid", "profile", "email");

    public DemoUser {
        Objects.requireNonNull(login, "login");
        Objects.requireNonNull(email, "email");
        Objects.requireNonNull(uid, "uid");
        groups = List.copyOf(groups);
        scopes = List.copyOf(scopes);
    }

    /** A user with the {@link #DEFAULT_SCOPES}. */
    public DemoUser(String login, String email, String uid, List<String> groups) {
        this(login, email, uid, groups, DEFAULT_SCOPES);
    }

    /** The token's {@code sub}: the login e-mail, as in Okta. */
    public String subject() {
        return email;
    }
}
