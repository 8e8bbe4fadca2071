package dev.portcullis.vocab;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The verified caller: what a valid token says about who is asking. Holds identity, never a
 * decision; authorization is evaluated on every request.
 *
 * <p>A value type with the accessors, equality and string form of a record of the nine fields
 * below; it is a class only so that it can also keep values derived from it ({@link #derive}),
 * which take no part in its equality. A cached token's identity serves many requests, and what
 * the upstream receives about it (header values, the signed assertion) is then built once, not
 * once per request.
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
public final class Identity {
    /** At most this many derived values are kept: a few functions use it (see {@link #derive}). */
    private static final int MAX_DERIVED = 4;
    private static final Object[] NONE = new Object[0];

    private final String issuerId;
    private final String subject;
    private final Set<String> groups;
    private final Set<String> scopes;
    private final String email;
    private final String tokenId;
    private final String clientId;
    private final long expiresAt;
    private final Map<String, Object> claims;
    /** Pairs of (function, its value), the newest last; replaced whole, never changed in place. */
    private volatile Object[] derived = NONE;

    public Identity(String issuerId, String subject, Set<String> groups, Set<String> scopes, String email,
            String tokenId, String clientId, long expiresAt, Map<String, Object> claims) {
        this.issuerId = Objects.requireNonNull(issuerId, "issuerId");
        this.subject = subject;
        // Insertion order is kept so identity headers list groups in the token's order; names are
        // interned, since thousands of cached identities carry the same groups.
        this.groups = NameSet.of(groups);
        this.scopes = NameSet.of(scopes);
        this.claims = Map.copyOf(claims);
        this.email = email;
        this.tokenId = tokenId;
        this.clientId = clientId;
        this.expiresAt = expiresAt;
    }

    public String issuerId() {
        return issuerId;
    }

    public String subject() {
        return subject;
    }

    public Set<String> groups() {
        return groups;
    }

    public Set<String> scopes() {
        return scopes;
    }

    public String email() {
        return email;
    }

    public String tokenId() {
        return tokenId;
    }

    public String clientId() {
        return clientId;
    }

    public long expiresAt() {
        return expiresAt;
    }

    public Map<String, Object> claims() {
        return claims;
    }

    /**
     * A value computed from the groups alone (their header form), once per set rather than
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

    /**
     * {@code how} applied to this identity, computed on the first call with that function and kept
     * with the identity, so a cached caller's later requests read it. {@code how} is one instance
     * for as long as its values should be shared (a constant, or a field of what owns the values),
     * and its value depends on this identity alone, or is a holder its owner fills. Values are told
     * apart by the function's identity; at most {@value #MAX_DERIVED} are kept, the oldest going
     * first. Calls from several threads may each compute a value; every one gets a value {@code how} made.
     */
    @SuppressWarnings("unchecked")
    public <T> T derive(Function<? super Identity, T> how) {
        Object[] d = derived;
        for (int i = 0; i < d.length; i += 2) {
            if (d[i] == how) {
                return (T) d[i + 1];
            }
        }
        T value = how.apply(this);
        int keep = Math.min(d.length, 2 * (MAX_DERIVED - 1));
        Object[] next = Arrays.copyOfRange(d, d.length - keep, d.length + 2);
        next[keep] = how;
        next[keep + 1] = value;
        derived = next;
        return value;
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

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof Identity i && expiresAt == i.expiresAt && issuerId.equals(i.issuerId)
                && Objects.equals(subject, i.subject) && groups.equals(i.groups) && scopes.equals(i.scopes)
                && Objects.equals(email, i.email) && Objects.equals(tokenId, i.tokenId)
                && Objects.equals(clientId, i.clientId) && claims.equals(i.claims);
    }

    @Override
    public int hashCode() {
        return Objects.hash(issuerId, subject, groups, scopes, email, tokenId, clientId, expiresAt, claims);
    }

    @Override
    public String toString() {
        return "Identity[issuerId=" + issuerId + ", subject=" + subject + ", groups=" + groups + ", scopes=" + scopes
                + ", email=" + email + ", tokenId=" + tokenId + ", clientId=" + clientId + ", expiresAt=" + expiresAt
                + ", claims=" + claims + "]";
    }
}
