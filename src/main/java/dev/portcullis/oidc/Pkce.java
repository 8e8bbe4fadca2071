package dev.portcullis.oidc;

import dev.portcullis.session.SessionIds;

/**
 * PKCE (RFC 7636) with {@code S256}, and the other random values of a sign-in ({@code state},
 * {@code nonce}): the same 256 random bits, base64url without padding, and the same SHA-256 as
 * session ids and their store keys ({@link SessionIds}).
 */
public final class Pkce {
    private Pkce() {
    }

    /** 32 random bytes, base64url: a code verifier (43 characters, within RFC 7636's 43–128), a state or a nonce. */
    public static String random() {
        return SessionIds.next();
    }

    /** {@code BASE64URL(SHA256(ASCII(verifier)))}: the {@code code_challenge} for {@code S256}. */
    public static String challenge(String verifier) {
        return SessionIds.key(verifier);
    }
}
