package dev.portcullis.membership;

import dev.portcullis.authn.AuthResult;
import dev.portcullis.authn.AuthResult.Authenticated;
import dev.portcullis.authn.GroupsResolver;
import dev.portcullis.config.IssuerConfig;
import dev.portcullis.config.IssuerConfig.GroupsSource;
import dev.portcullis.config.OktaConfig.GroupsApi;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code groups_source} on the request path: {@code token} keeps the token's groups;
 * {@code okta_api} replaces them with the directory's; {@code both} takes the union. The user is
 * the token's {@code uid} (Okta's user id); a token without one (client credentials) keeps its own
 * groups, since the directory has no user to list.
 *
 * <p>A user whose groups are not cached yet waits, bounded by {@code okta.groups_wait}, through the
 * same asynchronous wait as a key fetch. After it, or when the directory cannot be read, the request
 * is refused with 503 {@code directory_unavailable} (fail closed), or, with
 * {@code on_directory_unavailable: token_groups}, goes on with the token's groups.
 */
public final class DirectoryGroupsResolver implements GroupsResolver {
    /** The claim Okta puts its user id in. */
    public static final String USER_ID_CLAIM = "uid";
    private static final AuthResult.Refused UNAVAILABLE = new AuthResult.Refused(Reason.DIRECTORY_UNAVAILABLE);

    private final Map<String, GroupsSource> sources;
    private final DirectoryGroups directory;
    private final boolean tokenGroupsWhenUnavailable;
    private final long waitMillis;

    public DirectoryGroupsResolver(List<IssuerConfig> issuers, DirectoryGroups directory, GroupsApi api) {
        Map<String, GroupsSource> m = new HashMap<>();
        issuers.forEach(i -> m.put(i.id(), i.groupsSource()));
        this.sources = Map.copyOf(m);
        this.directory = Objects.requireNonNull(directory, "directory");
        this.tokenGroupsWhenUnavailable = api.tokenGroupsWhenUnavailable();
        this.waitMillis = api.groupsWait().toMillis();
    }

    /** Whether any issuer reads groups from the directory (else {@link GroupsResolver#TOKEN} will do). */
    public static boolean needed(List<IssuerConfig> issuers) {
        return issuers.stream().anyMatch(i -> i.groupsSource() != GroupsSource.TOKEN);
    }

    @Override
    public AuthResult resolve(Authenticated a, boolean mayWait) {
        Identity who = a.identity();
        GroupsSource source = sources.getOrDefault(who.issuerId(), GroupsSource.TOKEN);
        if (source == GroupsSource.TOKEN) {
            return a;
        }
        Object uid = who.claims().get(USER_ID_CLAIM);
        if (!(uid instanceof String userId) || userId.isEmpty()) {
            return a; // a client-credentials token names no user: its own groups (none, usually) stand
        }
        DirectoryGroups.Lookup found = directory.lookup(userId);
        if (found instanceof DirectoryGroups.Known known) {
            return new Authenticated(withGroups(who, source == GroupsSource.BOTH
                    ? union(who.groups(), known.groups()) : known.groups()));
        }
        if (found instanceof DirectoryGroups.Pending pending && mayWait) {
            // A dependent future: completing it on timeout leaves the directory's own load running.
            return new AuthResult.AwaitKeys(pending.done().handle((v, e) -> (Void) null)
                    .completeOnTimeout(null, waitMillis, TimeUnit.MILLISECONDS));
        }
        // Fail closed unless told otherwise: the token's groups may be incomplete (100 at most) or stale.
        return tokenGroupsWhenUnavailable ? a : UNAVAILABLE;
    }

    private static Set<String> union(Set<String> token, Set<String> directory) {
        Set<String> all = new LinkedHashSet<>(token);
        all.addAll(directory);
        return all;
    }

    private static Identity withGroups(Identity who, Set<String> groups) {
        return new Identity(who.issuerId(), who.subject(), groups, who.scopes(), who.email(), who.tokenId(),
                who.clientId(), who.expiresAt(), who.claims());
    }
}
