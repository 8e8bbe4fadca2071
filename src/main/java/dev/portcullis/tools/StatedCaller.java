package dev.portcullis.tools;

import dev.portcullis.authn.AuthResult;
import dev.portcullis.authn.TokenAuthenticator;
import dev.portcullis.vocab.Reason;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The authenticate step for the policy tools: the caller is stated (by hand, or read from an
 * unverified token by {@link UnverifiedToken}), not verified. It applies the one check of the
 * proxy's authenticator that depends on the route: a route's {@code issuers:} accept only those
 * issuers. One instance per explanation; it remembers what it saw for the explanation's notes.
 */
final class StatedCaller implements TokenAuthenticator {
    /** What stands for the token in the request the tools judge: any well-formed bearer token. */
    static final List<String> AUTHORIZATION = List.of("Bearer stated-caller");

    private final Caller caller;
    private boolean authenticated;
    private Set<String> unchecked;

    StatedCaller(Caller caller) {
        this.caller = Objects.requireNonNull(caller, "caller");
    }

    /** The Authorization header values a request of this caller carries: none for an anonymous one. */
    List<String> authorization() {
        return caller instanceof Caller.Anonymous ? List.of() : AUTHORIZATION;
    }

    @Override
    public AuthResult authenticate(String token, Set<String> accepted, boolean mayWait) {
        if (caller instanceof Caller.Refused r) {
            return new AuthResult.Refused(notAccepted(accepted, r.issuerId()) ? Reason.ISSUER_NOT_ACCEPTED : r.reason());
        }
        if (!(caller instanceof Caller.Claimed c)) {
            throw new IllegalStateException("an anonymous caller has no token to authenticate");
        }
        if (!c.issuerStated()) {
            unchecked = accepted;
        } else if (notAccepted(accepted, c.identity().issuerId())) {
            return new AuthResult.Refused(Reason.ISSUER_NOT_ACCEPTED);
        }
        authenticated = true;
        return new AuthResult.Authenticated(c.identity());
    }

    /** Whether the caller was authenticated: then authorization ran and its rules can be traced. */
    boolean authenticated() {
        return authenticated;
    }

    /** The route's accepted issuers, when the caller's issuer was not stated and so not checked against them. */
    Set<String> uncheckedIssuers() {
        return unchecked;
    }

    /** The same test as the authenticator's: a route that names issuers accepts only theirs. */
    private static boolean notAccepted(Set<String> accepted, String issuerId) {
        return issuerId != null && accepted != null && !accepted.contains(issuerId);
    }
}
