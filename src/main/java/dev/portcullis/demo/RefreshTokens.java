package dev.portcullis.demo;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The dev issuer's refresh tokens: opaque random strings, each of one <em>family</em> (the tokens
 * descending from one sign-in). Redeeming a token <strong>rotates</strong> it: a new token of the
 * same family is issued and the old one is spent. Presenting a spent token is taken as theft (RFC
 * 9700 §4.14.2, refresh token reuse detection): the whole family is revoked, so neither the thief
 * nor the legitimate holder can refresh again. Thread-safe: each method holds the one lock briefly.
 */
final class RefreshTokens {
    /** What a refresh token stands for. */
    record Grant(String family, String clientId, String userId, List<String> scopes) {
        Grant {
            Objects.requireNonNull(family, "family");
            Objects.requireNonNull(clientId, "clientId");
            Objects.requireNonNull(userId, "userId");
            scopes = List.copyOf(scopes);
        }
    }

    /** The outcome of a redemption: the grant and its new token, or why not. */
    sealed interface Outcome permits Rotated, Refused {
    }

    record Rotated(Grant grant, String token) implements Outcome {
    }

    record Refused(String description) implements Outcome {
    }

    private final Map<String, Grant> current = new HashMap<>();
    private final Map<String, String> spent = new HashMap<>();
    private final Set<String> revokedFamilies = new HashSet<>();

    /** A new token starting a new family. */
    synchronized String issue(String clientId, String userId, List<String> scopes) {
        String token = OneTimeStore.randomHandle();
        current.put(token, new Grant(OneTimeStore.randomHandle(), clientId, userId, scopes));
        return token;
    }

    /**
     * Redeems {@code token} for {@code clientId}: spends it and returns its successor, or refuses an
     * unknown token, a token of another client, a revoked family, or a spent token (then revoking its family).
     */
    synchronized Outcome rotate(String token, String clientId) {
        if (token == null) {
            return new Refused("refresh_token is required");
        }
        String family = spent.get(token);
        if (family != null) {
            revoke(family);
            return new Refused("the refresh token was already used; its family is revoked");
        }
        Grant grant = current.get(token);
        if (grant == null) {
            return new Refused("the refresh token is invalid");
        }
        if (!grant.clientId().equals(clientId)) {
            return new Refused("the refresh token was issued to another client");
        }
        current.remove(token);
        spent.put(token, grant.family());
        String next = OneTimeStore.randomHandle();
        current.put(next, grant);
        return new Rotated(grant, next);
    }

    /** Revokes every token of the family. */
    synchronized void revoke(String family) {
        revokedFamilies.add(family);
        current.values().removeIf(g -> g.family().equals(family));
    }

    /** The grant of a live token, if it is one. */
    synchronized Optional<Grant> peek(String token) {
        return Optional.ofNullable(current.get(token));
    }

    synchronized boolean revoked(String family) {
        return revokedFamilies.contains(family);
    }
}
