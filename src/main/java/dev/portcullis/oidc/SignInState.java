package dev.portcullis.oidc;

import java.util.Objects;

/**
 * What a sign-in under way binds to the browser, in its sign-in cookie ({@link SignInCookies}):
 * checked at the callback and then thrown away.
 *
 * @param state           the {@code state} sent to the issuer; the callback must bring it back
 * @param nonce           the {@code nonce} sent to the issuer; the ID token must carry it
 * @param verifier        the PKCE code verifier, sent only with the code exchange
 * @param returnTo        the same-origin path to come back to ({@link ReturnPath})
 * @param issuerId        the issuer signed in with
 * @param expiresAtMillis the end of {@code sessions.sign_in_timeout}
 */
public record SignInState(String state, String nonce, String verifier, String returnTo, String issuerId,
        long expiresAtMillis) {

    public SignInState {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(verifier, "verifier");
        Objects.requireNonNull(returnTo, "returnTo");
        Objects.requireNonNull(issuerId, "issuerId");
    }

    @Override
    public String toString() {
        return "SignInState[issuerId=" + issuerId + ", expiresAtMillis=" + expiresAtMillis + "]"; // no secrets
    }
}
