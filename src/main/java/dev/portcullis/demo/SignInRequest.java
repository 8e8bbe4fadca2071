package dev.portcullis.demo;

import java.util.List;
import java.util.Objects;

/**
 * An authorization request that passed its checks and waits for the person to pick a user, and,
 * once picked, what its one-time code is bound to.
 *
 * @param client        the client that asked
 * @param redirectUri   the redirect URI it named (registered), where the code goes
 * @param state         its {@code state}, returned as given (may be null)
 * @param nonce         its {@code nonce}, put in the ID token (may be null)
 * @param codeChallenge its PKCE S256 {@code code_challenge}
 * @param scopes        the scopes it asked for
 */
record SignInRequest(BrowserClient client, String redirectUri, String state, String nonce, String codeChallenge,
        List<String> scopes) {

    SignInRequest {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(redirectUri, "redirectUri");
        Objects.requireNonNull(codeChallenge, "codeChallenge");
        scopes = List.copyOf(scopes);
    }

    /** A code issued for this request to a user (by Okta id). */
    record Code(SignInRequest request, String userId) {
        Code {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(userId, "userId");
        }
    }
}
