package dev.portcullis.oidc;

/**
 * The token endpoint refused a grant with an OAuth error ({@code invalid_grant} for a replayed or
 * expired code, a PKCE verifier that does not match, a wrong redirect URI; {@code invalid_client}):
 * the request's fault or the client's setup, not an outage.
 */
public final class TokenEndpointError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String error;

    public TokenEndpointError(String error, int status) {
        super("token endpoint answered " + status + " " + error, null, false, false);
        this.error = error;
    }

    /** The OAuth {@code error} code. */
    public String error() {
        return error;
    }
}
