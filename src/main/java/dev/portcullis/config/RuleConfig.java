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
 * {@code groupPlaces} is where each group was written ({@code file:line:column}), those of
 * {@code groupsAny} then those of {@code groupsAll}, for tools that name a group's place; empty
 * for a rule not read from a file.
 */
public record RuleConfig(
        List<String> methods,
        List<String> groupsAny,
        List<String> groupsAll,
        List<String> scopesAny,
        List<String> scopesAll,
        Map<String, ClaimConfig> claims,
        String location,
        boolean audit,
        List<String> groupPlaces) {

    public RuleConfig {
        groupPlaces = groupPlaces == null ? List.of() : List.copyOf(groupPlaces);
    }

    /**
     * Equal when the rule is: {@code groupPlaces} says where, not what, so a rule built in code
     * (places unknown) equals the same rule read from its file.
     */
    @Override
    public boolean equals(Object o) {
        return o instanceof RuleConfig r && java.util.Objects.equals(methods, r.methods)
                && java.util.Objects.equals(groupsAny, r.groupsAny) && java.util.Objects.equals(groupsAll, r.groupsAll)
                && java.util.Objects.equals(scopesAny, r.scopesAny) && java.util.Objects.equals(scopesAll, r.scopesAll)
                && java.util.Objects.equals(claims, r.claims) && java.util.Objects.equals(location, r.location)
                && audit == r.audit;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(methods, groupsAny, groupsAll, scopesAny, scopesAll, claims, location, audit);
    }

    /** A rule whose groups' places are not known. */
    public RuleConfig(List<String> methods, List<String> groupsAny, List<String> groupsAll, List<String> scopesAny,
            List<String> scopesAll, Map<String, ClaimConfig> claims, String location, boolean audit) {
        this(methods, groupsAny, groupsAll, scopesAny, scopesAll, claims, location, audit, List.of());
    }

    /** An enforced rule. */
    public RuleConfig(List<String> methods, List<String> groupsAny, List<String> groupsAll, List<String> scopesAny,
            List<String> scopesAll, Map<String, ClaimConfig> claims, String location) {
        this(methods, groupsAny, groupsAll, scopesAny, scopesAll, claims, location, false);
    }
}
