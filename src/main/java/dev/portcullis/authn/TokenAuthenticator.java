package dev.portcullis.authn;

import java.util.Set;

/**
 * The authenticate step of the decision core: turns a bearer token into an identity, a refusal,
 * or a wait for keys. The proxy's is {@link Authenticator}; the policy tools state a caller
 * instead of verifying one.
 */
public interface TokenAuthenticator {

    /**
     * @param token    the bearer token, as extracted from the one {@code Authorization} header
     * @param accepted ids of the issuers the route accepts, or null for every configured issuer
     * @param mayWait  whether {@link AuthResult.AwaitKeys} may be answered (false on the retry)
     */
    AuthResult authenticate(String token, Set<String> accepted, boolean mayWait);

    /**
     * {@link #authenticate(String, Set, boolean)} of the token {@code value.substring(start, end)}
     * (the request path's {@code Authorization} value, see {@link BearerToken#refusal}), which an
     * authenticator with a cache looks up without cutting it out.
     */
    default AuthResult authenticate(String value, int start, int end, Set<String> accepted, boolean mayWait) {
        return authenticate(value.substring(start, end), accepted, mayWait);
    }
}
