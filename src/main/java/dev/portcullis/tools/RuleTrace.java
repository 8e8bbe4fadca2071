package dev.portcullis.tools;

import java.util.Objects;

/**
 * How one allow or deny entry fared for a request.
 *
 * @param list     {@code "deny"} or {@code "allow"}
 * @param index    position in its list, as in {@code routes[i].allow[index]}
 * @param text     the entry as written ({@code methods [GET], groups_any [readers]})
 * @param location {@code file:line} of the entry
 * @param matched  whether every condition held
 * @param unmet    the first condition that did not hold ({@code methods}, {@code groups_any},
 *                 {@code claims.NAME}…), or null when matched
 * @param decisive whether this entry decided the request (the first matching deny, or the first
 *                 matching allow when no deny matched); never an audit-mode entry
 * @param audit    {@code mode: audit}: evaluated, logged when it would change the decision, not enforced
 */
public record RuleTrace(String list, int index, String text, String location, boolean matched, String unmet,
        boolean decisive, boolean audit) {

    public RuleTrace {
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(text, "text");
    }

    /** {@code deny[0]}, {@code allow[2]}. */
    public String name() {
        return list + "[" + index + "]";
    }
}
