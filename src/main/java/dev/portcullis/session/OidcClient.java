package dev.portcullis.session;

import java.util.concurrent.CompletableFuture;

/**
 * An issuer's token endpoint, as sessions need it: the refresh grant. Implemented over HTTP in
 * the IO layer; the future completes off the caller's thread.
 */
public interface OidcClient {

    /**
     * Refreshes a session's tokens ({@code grant_type=refresh_token}). Completes exceptionally with
     * {@link RefreshRefused} when the issuer refuses the refresh token (revoked, reused, expired:
     * {@code invalid_grant}), and with any other exception when the issuer cannot be reached or
     * answers something unusable.
     *
     * @param issuerId     the id of the issuer the session signed in with
     * @param refreshToken the session's current refresh token
     */
    CompletableFuture<TokenSet> refresh(String issuerId, String refreshToken);

    /** The issuer refused the refresh token: the session cannot go on. */
    final class RefreshRefused extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public RefreshRefused(String error) {
            super(error, null, false, false);
        }
    }
}
