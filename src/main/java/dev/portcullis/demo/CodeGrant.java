package dev.portcullis.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The token endpoint's grants for browser clients ({@link BrowserClient}), after RFC 6749 §4.1.3,
 * RFC 7636 (PKCE) and §6 (refresh):
 * <ul>
 * <li>{@code authorization_code}: the client authenticates ({@code client_secret_basic} or
 * {@code client_secret_post}); the code is taken once (a replayed or expired code is
 * {@code invalid_grant}), must be the client's, the {@code redirect_uri} must equal the one it was
 * issued for, and {@code SHA-256(code_verifier)} must equal its challenge. The answer is an access
 * token with the user's current groups, an ID token ({@code aud} = client, {@code nonce}), and, with
 * {@code offline_access}, a refresh token.</li>
 * <li>{@code refresh_token}: rotation and reuse detection ({@link RefreshTokens}); the new access
 * token carries the groups the directory has now, so a membership change shows at the next refresh.
 * A user no longer active gets {@code invalid_grant}, and the token's family is revoked.</li>
 * </ul>
 */
final class CodeGrant {
    static final String OFFLINE_ACCESS = "offline_access";
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");
    private final BrowserClients clients;
    private final OneTimeStore<SignInRequest.Code> codes;
    private final RefreshTokens refreshTokens;
    private final Directory directory;
    private final TokenMinter minter;
    private final SigningKeys keys;

    CodeGrant(BrowserClients clients, OneTimeStore<SignInRequest.Code> codes, RefreshTokens refreshTokens,
            Directory directory, TokenMinter minter, SigningKeys keys) {
        this.clients = clients;
        this.codes = codes;
        this.refreshTokens = refreshTokens;
        this.directory = directory;
        this.minter = minter;
        this.keys = keys;
    }

    /** {@code grant_type=authorization_code}. */
    Reply code(Map<String, String> params, String authorization) {
        Optional<BrowserClient> client = authenticate(params, authorization);
        if (client.isEmpty()) {
            return unauthenticated();
        }
        // Taken first: a code fails once and for all, whichever check it fails.
        Optional<SignInRequest.Code> code = codes.take(params.get("code"));
        if (code.isEmpty()) {
            return invalidGrant("the code is invalid, expired or was already used");
        }
        SignInRequest r = code.get().request();
        if (!r.client().clientId().equals(client.get().clientId())) {
            return invalidGrant("the code was issued to another client");
        }
        if (!r.redirectUri().equals(params.get("redirect_uri"))) {
            return invalidGrant("redirect_uri differs from the authorization request's");
        }
        String verifier = params.get("code_verifier");
        if (verifier == null || !VERIFIER.matcher(verifier).matches()
                || !MessageDigest.isEqual(s256(verifier), r.codeChallenge().getBytes(StandardCharsets.US_ASCII))) {
            return invalidGrant("code_verifier does not match the code_challenge (PKCE S256)");
        }
        Optional<DemoUser> user = active(code.get().userId());
        if (user.isEmpty()) {
            return invalidGrant("the user is no longer active");
        }
        String refresh = r.scopes().contains(OFFLINE_ACCESS)
                ? refreshTokens.issue(client.get().clientId(), user.get().uid(), r.scopes()) : null;
        return issued(user.get(), client.get(), r.scopes(), r.nonce(), refresh);
    }

    /** {@code grant_type=refresh_token}. */
    Reply refresh(Map<String, String> params, String authorization) {
        Optional<BrowserClient> client = authenticate(params, authorization);
        if (client.isEmpty()) {
            return unauthenticated();
        }
        RefreshTokens.Outcome outcome = refreshTokens.rotate(params.get("refresh_token"), client.get().clientId());
        if (outcome instanceof RefreshTokens.Refused refused) {
            return invalidGrant(refused.description());
        }
        RefreshTokens.Rotated rotated = (RefreshTokens.Rotated) outcome;
        List<String> scopes = rotated.grant().scopes();
        if (params.get("scope") != null) {
            List<String> asked = Arrays.stream(params.get("scope").trim().split(" +")).distinct().toList();
            if (!scopes.containsAll(asked)) {
                return Reply.oauthError(400, "invalid_scope", "a refresh may only narrow the scopes: " + scopes);
            }
            scopes = asked;
        }
        Optional<DemoUser> user = active(rotated.grant().userId());
        if (user.isEmpty()) {
            refreshTokens.revoke(rotated.grant().family());
            return invalidGrant("the user is no longer active");
        }
        return issued(user.get(), client.get(), scopes, null, rotated.token());
    }

    /** The user as the directory has them now (current groups), if active. */
    private Optional<DemoUser> active(String userId) {
        return directory.user(userId).filter(e -> e.status() == Directory.Status.ACTIVE).map(Directory.Entry::user);
    }

    private Optional<BrowserClient> authenticate(Map<String, String> params, String authorization) {
        String[] basic = TokenEndpoint.basicCredentials(authorization);
        if (basic != null && (params.containsKey("client_id") || params.containsKey("client_secret"))) {
            return Optional.empty();
        }
        String id = basic != null ? basic[0] : params.get("client_id");
        String secret = basic != null ? basic[1] : params.get("client_secret");
        return clients.authenticate(id, secret);
    }

    private Reply issued(DemoUser user, BrowserClient client, List<String> scopes, String nonce, String refresh) {
        // The access token carries the scopes the user may have, plus offline_access when asked for.
        List<String> granted = new ArrayList<>();
        scopes.stream().filter(s -> user.scopes().contains(s) || s.equals(OFFLINE_ACCESS)).forEach(granted::add);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", "Bearer");
        body.put("expires_in", minter.lifetime().toSeconds());
        body.put("access_token", keys.sign(minter.forUser(user, granted, client.clientId()).build()));
        body.put("scope", String.join(" ", granted));
        body.put("id_token", keys.sign(minter.idToken(user, client.clientId(), nonce).build()));
        if (refresh != null) {
            body.put("refresh_token", refresh);
        }
        return Reply.json(200, body).withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache");
    }

    private static Reply invalidGrant(String description) {
        return Reply.oauthError(400, "invalid_grant", description);
    }

    private static Reply unauthenticated() {
        return Reply.oauthError(401, "invalid_client", "Client authentication failed.")
                .withHeader("WWW-Authenticate", "Basic realm=\"dev-issuer\"");
    }

    /** BASE64URL(SHA-256(ASCII(verifier))), as ASCII bytes (RFC 7636 §4.2). */
    static byte[] s256(String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).getBytes(StandardCharsets.US_ASCII);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }
}
