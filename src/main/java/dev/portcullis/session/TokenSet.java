package dev.portcullis.session;

/**
 * What an issuer's token endpoint answered: at sign-in (the code exchange) or at a refresh.
 *
 * @param accessToken     the access token, verified per request like a bearer token
 * @param refreshToken    the refresh token; at a refresh, null when the issuer did not rotate it
 * @param idToken         the ID token (at sign-in; at a refresh only if the issuer sends one), or null
 * @param expiresAtMillis when the access token expires, epoch millis ({@code expires_in}, else its {@code exp})
 */
public record TokenSet(String accessToken, String refreshToken, String idToken, long expiresAtMillis) {

    @Override
    public String toString() {
        return "TokenSet[expiresAtMillis=" + expiresAtMillis + "]"; // never the tokens themselves
    }
}
