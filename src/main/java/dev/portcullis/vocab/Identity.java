package dev.portcullis.vocab;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The verified caller: what a valid token says about who is asking. Holds identity, never a
 * decision; authorization is evaluated on every request.
 *
 * @param issuerId  the id of the issuer that signed the token
 * @param subject   {@code sub}
 * @param groups    the groups claim, as an exact-match set
 * @param scopes    {@code scp} (Okta) or {@code scope}
 * @param email     the e-mail claim, or null
 * @param tokenId   {@code jti}, or null
 * @param clientId  {@code cid} (Okta) or {@code client_id}, or null
 * @param expiresAt {@code exp} in epoch seconds
 * @param claims    all claims, for {@code claims} conditions (values: String, Number, Boolean, List)
 */
public record Identity(
        String issuerId,
        String subject,
        Set<String> groups,
        Set<String> scopes,
        String email,
        String tokenId,
        String clientId,
        long expiresAt,
        Map<String, Object> claims) {

    public Identity {
        Objects.requireNonNull(issuerId, "issuerId");
        // Insertion order is kept so identity headers list groups in the token's order; names are
        // interned, since thousands of cached identities carry the same groups.
        groups = NameSet.of(groups);
        scopes = NameSet.of(scopes);
        claims = Map.copyOf(claims);
    }

    /**
     * A value computed from the groups alone (their header form), once per identity rather than
     * once per request: identities live in the verified-token cache and serve many requests.
     * {@code how} must be a pure function and a constant (see {@link NameSet#derive}).
     */
    public <T> T fromGroups(Function<? super Set<String>, T> how) {
        return ((NameSet) groups).derive(how);
    }

    /** As {@link #fromGroups}, for the scopes. */
    public <T> T fromScopes(Function<? super Set<String>, T> how) {
        return ((NameSet) scopes).derive(how);
    }

    /** The string forms of a claim's value(s), for exact comparison; empty when absent. */
    public List<String> claimValues(String name) {
        Object v = claims.get(name);
        if (v == null) {
            return List.of();
        }
        if (v instanceof List<?> list) {
            return list.stream().filter(Objects::nonNull).map(String::valueOf).toList();
        }
        return List.of(String.valueOf(v));
    }
}
