package dev.portcullis.tools;

import dev.portcullis.vocab.Reason;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a test case expects: {@code allow} (any 200: allowed, public, or let through by
 * {@code mode: audit}), {@code deny} (403),
 * a status ({@code 400}, {@code 401}, {@code 403}, {@code 404}, {@code 200}), or one exact reason
 * code ({@code group_denied}, {@code deny_rule}, {@code token_missing}…).
 *
 * @param text   as written
 * @param status the status expected, or 0 when a reason is
 * @param reason the exact reason expected, or null when a status is
 */
public record Expectation(String text, int status, Reason reason) {
    /** The reasons a test case can produce (it has no token, so no token errors). */
    static final List<Reason> POSSIBLE = List.of(Reason.ALLOWED, Reason.PUBLIC_ROUTE, Reason.AUDIT_MODE,
            Reason.TOKEN_MISSING,
            Reason.ISSUER_NOT_ACCEPTED, Reason.DENY_RULE, Reason.GROUP_DENIED, Reason.NO_ROUTE, Reason.PATH_REJECTED,
            Reason.BAD_REQUEST, Reason.METHOD_OVERRIDE_REJECTED);
    private static final List<Integer> STATUSES = List.of(200, 400, 401, 403, 404);

    public Expectation {
        Objects.requireNonNull(text, "text");
    }

    /** Parses what a case file says, or empty when it names no possible outcome. */
    public static Optional<Expectation> parse(String text) {
        String t = text.trim();
        if (t.equals("allow")) {
            return Optional.of(new Expectation(t, 200, null));
        }
        if (t.equals("deny")) {
            return Optional.of(new Expectation(t, 403, null));
        }
        if (t.matches("[0-9]{3}") && STATUSES.contains(Integer.parseInt(t))) {
            return Optional.of(new Expectation(t, Integer.parseInt(t), null));
        }
        return POSSIBLE.stream().filter(r -> r.code().equals(t)).findFirst().map(r -> new Expectation(t, 0, r));
    }

    public boolean matches(Reason actual) {
        return reason != null ? reason == actual : status == actual.status();
    }

    /** Words for an error message about a bad expectation. */
    static String choices() {
        return "allow, deny, 200, 400, 401, 403, 404, or a reason code ("
                + String.join(", ", POSSIBLE.stream().map(Reason::code).toList()) + ")";
    }
}
