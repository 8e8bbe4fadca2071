package dev.portcullis.demo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a dev-issuer user as written on the command line, {@code dev-issuer --user
 * NAME[:GROUP,GROUP…[:SCOPE SCOPE…]]}, and the parts the dev token route takes one by one
 * ({@code groups=a,b}, {@code scope=x y}). Errors are {@link IllegalArgumentException}s whose
 * message says what is wrong in one line.
 */
public final class UserSpec {
    /** The syntax of {@code --user}, for messages. */
    public static final String SYNTAX = "NAME[:GROUP,GROUP…[:SCOPE SCOPE…]]";
    /** Beyond Okta's 100 groups a token, so the limit can be tried; still bounded. */
    static final int MAX_GROUPS = 1000;
    static final int MAX_SCOPES = 100;
    private static final Pattern LOGIN = Pattern.compile("[A-Za-z0-9._+-]{1,64}");
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._+-]{1,64}@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+");
    /** RFC 6749 §3.3 scope-token: printable ASCII but space, {@code "} and {@code \}. */
    private static final Pattern SCOPE = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    private static final String DOMAIN = "@example.com";

    private UserSpec() {
    }

    /**
     * {@code alice:eng,ops:openid orders.read}: login {@code alice} (e-mail
     * {@code alice@example.com}; a NAME with {@code @} is the e-mail), groups {@code eng} and
     * {@code ops}, scopes {@code openid} and {@code orders.read}. Without the third part the user
     * has the {@link DemoUser#DEFAULT_SCOPES}; without the second, no groups.
     */
    public static DemoUser parse(String spec) {
        String[] parts = spec.split(":", -1);
        if (parts.length > 3) {
            throw new IllegalArgumentException("too many ':' (a group or scope cannot contain one)");
        }
        List<String> groups = parts.length > 1 ? groups(parts[1]) : List.of();
        List<String> scopes = parts.length > 2 ? scopes(parts[2]) : DemoUser.DEFAULT_SCOPES;
        return user(parts[0], groups, scopes);
    }

    /** A user named {@code name} (a login, or an e-mail) with these groups and scopes. */
    static DemoUser user(String name, List<String> groups, List<String> scopes) {
        String login;
        String email;
        if (EMAIL.matcher(name).matches()) {
            email = name;
            login = name.substring(0, name.indexOf('@'));
        } else if (LOGIN.matcher(name).matches()) {
            login = name;
            email = name + DOMAIN;
        } else {
            throw new IllegalArgumentException(name.isEmpty() ? "the user name is empty"
                    : "'" + name + "' is not a user name (letters, digits, . _ + -, or an e-mail address)");
        }
        return new DemoUser(login, email, OktaIds.user(email), groups, scopes);
    }

    /** {@code a,b}: groups in order, each trimmed, none blank; an empty text is no groups. */
    static List<String> groups(String text) {
        if (text.isEmpty()) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String g : text.split(",", -1)) {
            String group = g.strip();
            if (group.isEmpty() || group.chars().anyMatch(Character::isISOControl)) {
                throw new IllegalArgumentException("a group name is empty or has a control character: '" + text
                        + "'");
            }
            out.add(group);
        }
        if (out.size() > MAX_GROUPS) {
            throw new IllegalArgumentException("more than " + MAX_GROUPS + " groups");
        }
        return List.copyOf(out);
    }

    /** {@code openid orders.read} (spaces or commas between): each an RFC 6749 scope token. */
    static List<String> scopes(String text) {
        List<String> out = new ArrayList<>();
        for (String s : text.strip().split("[ ,]+")) {
            if (s.isEmpty()) {
                continue;
            }
            if (!SCOPE.matcher(s).matches()) {
                throw new IllegalArgumentException("'" + s + "' is not a scope (printable ASCII, no quote or"
                        + " backslash)");
            }
            if (!out.contains(s)) {
                out.add(s);
            }
        }
        if (out.size() > MAX_SCOPES) {
            throw new IllegalArgumentException("more than " + MAX_SCOPES + " scopes");
        }
        return List.copyOf(out);
    }
}
