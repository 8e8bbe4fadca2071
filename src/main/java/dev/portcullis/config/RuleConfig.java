package dev.portcullis.config;

import java.util.List;
import java.util.Map;

/**
 * One allow or deny entry. Every condition given must hold; a condition left out holds always.
 * With {@code mode: audit} ({@code audit} true) the rule is evaluated and its would-be effect
 * logged and counted, but not enforced.
 * {@code claims} maps a claim name to its condition ({@link ClaimConfig}), in file order.
 * An empty list is not the same as a missing one: the validator refuses empty lists, which would
 * otherwise read as "nobody" to one reader and "anybody" to another.
 */
public record RuleConfig(
        List<String> methods,
        List<String> groupsAny,
        List<String> groupsAll,
        List<String> scopesAny,
        List<String> scopesAll,
        Map<String, ClaimConfig> claims,
        String location,
        boolean audit) {

    /** An enforced rule. */
    public RuleConfig(List<String> methods, List<String> groupsAny, List<String> groupsAll, List<String> scopesAny,
            List<String> scopesAll, Map<String, ClaimConfig> claims, String location) {
        this(methods, groupsAny, groupsAll, scopesAny, scopesAll, claims, location, false);
    }
}
