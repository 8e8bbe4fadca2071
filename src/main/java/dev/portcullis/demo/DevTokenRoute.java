package dev.portcullis.demo;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code GET {issuer}/v1/dev/token?user=alice[&groups=a,b][&scope=x y]}: a user access token as
 * plain text, so that printed curl commands need no jq. {@code groups=} and {@code scope=} replace
 * the user's groups and scopes for this one token ({@code groups=} empty: none), and with either of
 * them {@code user=} may name anyone, so any policy can be tried end to end. Development only:
 * nothing is authenticated here.
 */
final class DevTokenRoute {
    private static final Set<String> PARAMS = Set.of("user", "groups", "scope");
    private final Directory directory;
    private final TokenMinter minter;
    private final SigningKeys keys;

    DevTokenRoute(Directory directory, TokenMinter minter, SigningKeys keys) {
        this.directory = directory;
        this.minter = minter;
        this.keys = keys;
    }

    Reply handle(String query) {
        Map<String, String> params;
        try {
            params = Exchanges.parseForm(query);
        } catch (IllegalArgumentException e) {
            return Reply.oauthError(400, "invalid_request", e.getMessage());
        }
        for (String name : params.keySet()) {
            // A typo (group=, scopes=) would otherwise mint the user's usual token without a word.
            if (!PARAMS.contains(name)) {
                return Reply.oauthError(400, "invalid_request", "unknown parameter '" + name
                        + "' (expected user, groups, scope)");
            }
        }
        String name = params.get("user");
        Optional<Directory.Entry> entry = directory.login(name);
        if (entry.isPresent() && entry.get().status() != Directory.Status.ACTIVE) {
            // As in Okta: no token for a user the directory has deactivated or suspended.
            return Reply.oauthError(400, "invalid_grant", "user '" + name + "' is " + entry.get().status()
                    + " in the directory");
        }
        Optional<DemoUser> known = entry.map(Directory.Entry::user);
        boolean adHoc = params.containsKey("groups") || params.containsKey("scope");
        if (name == null || name.isEmpty() || known.isEmpty() && !adHoc) {
            return Reply.oauthError(400, "invalid_request", (name == null || name.isEmpty() ? "user is required"
                    : "unknown user '" + name + "'") + "; known: " + directory.logins()
                    + "; or add groups= (and scope=) to mint a token for any user");
        }
        DemoUser user;
        try {
            DemoUser base = known.isPresent() ? known.get() : UserSpec.user(name, List.of(), DemoUser.DEFAULT_SCOPES);
            List<String> groups = params.containsKey("groups") ? UserSpec.groups(params.get("groups")) : base.groups();
            List<String> scopes = params.containsKey("scope") ? UserSpec.scopes(params.get("scope")) : base.scopes();
            user = new DemoUser(base.login(), base.email(), base.uid(), groups, scopes);
        } catch (IllegalArgumentException e) {
            return Reply.oauthError(400, "invalid_request", e.getMessage());
        }
        String token = keys.sign(minter.forUser(user, user.scopes()).build());
        return Reply.text(200, token + "\n").withHeader("Cache-Control", "no-store");
    }
}
