package dev.portcullis.oidc;

import java.net.URI;
import java.util.Objects;

/**
 * An issuer's endpoints for browser sign-in, from its OIDC discovery document.
 *
 * @param authorization {@code authorization_endpoint}: where a browser is sent to sign in
 * @param token         {@code token_endpoint}: the code exchange and refreshes
 * @param endSession    {@code end_session_endpoint} (RP-initiated logout), or null when the issuer has none
 */
public record OidcEndpoints(URI authorization, URI token, URI endSession) {

    public OidcEndpoints {
        Objects.requireNonNull(authorization, "authorization");
        Objects.requireNonNull(token, "token");
    }
}
