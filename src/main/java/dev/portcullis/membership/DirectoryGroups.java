package dev.portcullis.membership;

import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A user's groups as the directory (Okta's Users API) lists them, by the user's Okta id (the
 * token's {@code uid}). Implementations answer at once and never block: from a cache, or with a
 * future that completes when the directory has answered.
 */
public interface DirectoryGroups {

    /** What the directory knows of one user now. */
    sealed interface Lookup {
    }

    /** The user's groups, by name ({@code profile.name}). */
    record Known(Set<String> groups) implements Lookup {
        public Known {
            groups = Set.copyOf(groups);
        }
    }

    /** Being read: {@code done} completes (normally or not) when the answer is in. */
    record Pending(CompletableFuture<?> done) implements Lookup {
        public Pending {
            Objects.requireNonNull(done, "done");
        }
    }

    /** The directory cannot be read now (unreachable, credentials refused, rate-limited past the bound). */
    record Unavailable() implements Lookup {
    }

    Lookup UNAVAILABLE = new Unavailable();

    /** No directory at all: every user is {@link Unavailable}. */
    DirectoryGroups NONE = userId -> UNAVAILABLE;

    Lookup lookup(String userId);

    /**
     * Forgets what is known of one user, so that the next lookup reads the directory again: for a
     * membership event (an addition applies at once, not after the cache's {@code ttl}).
     */
    default void forget(String userId) {
    }
}
