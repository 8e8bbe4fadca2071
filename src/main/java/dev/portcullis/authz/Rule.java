package dev.portcullis.authz;

import dev.portcullis.config.ClaimConfig;
import dev.portcullis.vocab.Identity;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One compiled allow or deny entry: every condition that is present must hold. Group, scope and
 * claim values compare exactly (never by substring, prefix or case folding); a claim condition
 * may instead ask for a string ending ({@code suffix}) or a JSON boolean ({@link ClaimMatcher}).
 *
 * @param methods   methods the rule applies to, or null for any
 * @param groupsAny the caller is in at least one, or null
 * @param groupsAll the caller is in every one, or null
 * @param scopesAny the token has at least one, or null
 * @param scopesAll the token has every one, or null
 * @param claims    claim name to its compiled condition; the claim (or one of its elements) must satisfy it
 * @param index     position of the entry in its list, for explanations
 */
public record Rule(
        Set<String> methods,
        Set<String> groupsAny,
        Set<String> groupsAll,
        Set<String> scopesAny,
        Set<String> scopesAll,
        Map<String, ClaimMatcher> claims,
        int index) {

    public Rule {
        // An empty set would read as "anybody" for *_all and "nobody" for *_any: the validator
        // refuses empty lists, and a rule built without it must not quietly widen access.
        for (Set<String> s : java.util.Arrays.asList(methods, groupsAny, groupsAll, scopesAny, scopesAll)) {
            if (s != null && s.isEmpty()) {
                throw new IllegalArgumentException("empty condition list in rule " + index);
            }
        }
        methods = methods == null ? null : Set.copyOf(methods);
        groupsAny = AnyOf.of(groupsAny); // Set.copyOf, kept as an array too: no iterator per request
        groupsAll = groupsAll == null ? null : Set.copyOf(groupsAll);
        scopesAny = AnyOf.of(scopesAny);
        scopesAll = scopesAll == null ? null : Set.copyOf(scopesAll);
        claims = Map.copyOf(claims);
    }

    public boolean appliesTo(String method) {
        return methods == null || methods.contains(method);
    }

    public boolean matches(Identity who, String method) {
        return appliesTo(method)
                && (groupsAny == null || containsAny(who.groups(), groupsAny))
                && (groupsAll == null || who.groups().containsAll(groupsAll))
                && (scopesAny == null || containsAny(who.scopes(), scopesAny))
                && (scopesAll == null || who.scopes().containsAll(scopesAll))
                && (claims.isEmpty() || claimsMatch(who));
    }

    /**
     * The first condition of this rule that does not hold, named as in the config file
     * ({@code methods}, {@code groups_any}, {@code groups_all}, {@code scopes_any},
     * {@code scopes_all}, {@code claims.NAME}), or {@code null} when every condition holds.
     * Conditions are checked in the order {@link #matches} checks them, so that
     * {@code firstUnmet(who, method) == null} exactly when {@code matches(who, method)}. For
     * explanations (load time, CLI): it builds strings, so the request path never calls it.
     */
    public String firstUnmet(Identity who, String method) {
        if (!appliesTo(method)) {
            return "methods";
        }
        if (groupsAny != null && !containsAny(who.groups(), groupsAny)) {
            return "groups_any";
        }
        if (groupsAll != null && !who.groups().containsAll(groupsAll)) {
            return "groups_all";
        }
        if (scopesAny != null && !containsAny(who.scopes(), scopesAny)) {
            return "scopes_any";
        }
        if (scopesAll != null && !who.scopes().containsAll(scopesAll)) {
            return "scopes_all";
        }
        for (Map.Entry<String, ClaimMatcher> c : new java.util.TreeMap<>(claims).entrySet()) {
            if (!c.getValue().matches(who.claims().get(c.getKey()))) {
                return "claims." + c.getKey();
            }
        }
        return null;
    }

    private static boolean containsAny(Set<String> held, Set<String> wanted) {
        return ((AnyOf) wanted).anyIn(held);
    }

    private boolean claimsMatch(Identity who) {
        for (Map.Entry<String, ClaimMatcher> c : claims.entrySet()) {
            if (!c.getValue().matches(who.claims().get(c.getKey()))) {
                return false;
            }
        }
        return true;
    }

    static Rule of(List<String> methods, List<String> groupsAny, List<String> groupsAll, List<String> scopesAny,
            List<String> scopesAll, Map<String, ClaimConfig> claims, int index) {
        Map<String, ClaimMatcher> c = new java.util.LinkedHashMap<>();
        claims.forEach((k, v) -> c.put(k, ClaimMatcher.of(v)));
        return new Rule(set(methods), set(groupsAny), set(groupsAll), set(scopesAny), set(scopesAll), c, index);
    }

    private static Set<String> set(List<String> values) {
        return values == null ? null : Set.copyOf(values);
    }
}
