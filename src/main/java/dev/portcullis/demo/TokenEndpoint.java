package dev.portcullis.demo;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST {issuer}/v1/token}: the password grant for the issuer's users (password = login), the
 * client-credentials grant for demo clients, and, for browser clients, the authorization-code and
 * refresh-token grants ({@link CodeGrant}). Errors follow RFC 6749 §5.2.
 */
final class TokenEndpoint {
    private static final String FORM = "application/x-www-form-urlencoded";
    private final TokenMinter minter;
    private final SigningKeys keys;
    private final Directory directory;
    private final CodeGrant codeGrant;

    TokenEndpoint(TokenMinter minter, SigningKeys keys, Directory directory, CodeGrant codeGrant) {
        this.minter = minter;
        this.keys = keys;
        this.directory = directory;
        this.codeGrant = codeGrant;
    }

    Reply handle(String method, String contentType, String authorization, byte[] body) {
        if (!"POST".equals(method)) {
            return Reply.oauthError(405, "invalid_request", "the token endpoint accepts POST only")
                    .withHeader("Allow", "POST");
        }
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith(FORM)) {
            return Reply.oauthError(400, "invalid_request", "the body must be " + FORM);
        }
        Map<String, String> params;
        try {
            params = Exchanges.parseForm(new String(body, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Reply.oauthError(400, "invalid_request", e.getMessage());
        }
        String grant = params.get("grant_type");
        if (grant == null) {
            return Reply.oauthError(400, "invalid_request", "grant_type is required");
        }
        return switch (grant) {
            case "password" -> password(params);
            case "client_credentials" -> clientCredentials(params, authorization);
            case "authorization_code" -> codeGrant.code(params, authorization);
            case "refresh_token" -> codeGrant.refresh(params, authorization);
            default -> Reply.oauthError(400, "unsupported_grant_type",
                    "supported: password, client_credentials, authorization_code, refresh_token");
        };
    }

    private Reply password(Map<String, String> params) {
        String username = params.get("username");
        String password = params.get("password");
        if (username == null || password == null) {
            return Reply.oauthError(400, "invalid_request", "username and password are required");
        }
        // Dev only: the password is the login, or the username exactly as sent. As in Okta, a user
        // the directory has deactivated or suspended gets no token; one it has moved gets its new groups.
        Optional<DemoUser> user = directory.login(username).filter(e -> e.status() == Directory.Status.ACTIVE)
                .map(Directory.Entry::user).filter(u -> password.equals(u.login()) || password.equals(username));
        if (user.isEmpty()) {
            return Reply.oauthError(400, "invalid_grant", "The credentials provided were invalid.");
        }
        List<String> scopes = scopes(params.get("scope"), user.get().scopes());
        if (scopes == null) {
            return Reply.oauthError(400, "invalid_scope", "allowed scopes: " + user.get().scopes());
        }
        return issued(keys.sign(minter.forUser(user.get(), scopes).build()), scopes);
    }

    private Reply clientCredentials(Map<String, String> params, String authorization) {
        String[] basic = basicCredentials(authorization);
        if (basic != null && (params.containsKey("client_id") || params.containsKey("client_secret"))) {
            return Reply.oauthError(400, "invalid_request", "use one client authentication method only");
        }
        String id = basic != null ? basic[0] : params.get("client_id");
        String secret = basic != null ? basic[1] : params.get("client_secret");
        Optional<DemoClient> client = DemoUsers.client(id)
                .filter(c -> secret != null && MessageDigest.isEqual(c.secret().getBytes(StandardCharsets.UTF_8),
                        secret.getBytes(StandardCharsets.UTF_8)));
        if (client.isEmpty()) {
            return Reply.oauthError(401, "invalid_client", "Client authentication failed.")
                    .withHeader("WWW-Authenticate", "Basic realm=\"dev-issuer\"");
        }
        // Like Okta without default scopes: a service must name the scopes it wants.
        if (params.get("scope") == null) {
            return Reply.oauthError(400, "invalid_scope", "scope is required; allowed: " + client.get().scopes());
        }
        List<String> scopes = scopes(params.get("scope"), client.get().scopes());
        if (scopes == null) {
            return Reply.oauthError(400, "invalid_scope", "allowed scopes: " + client.get().scopes());
        }
        return issued(keys.sign(minter.forClient(client.get(), scopes).build()), scopes);
    }

    /** The requested scopes, all of them when none are named, or null if any is not allowed. */
    private static List<String> scopes(String requested, List<String> allowed) {
        if (requested == null || requested.isBlank()) {
            return allowed;
        }
        List<String> scopes = Arrays.stream(requested.trim().split(" +")).distinct().toList();
        return allowed.containsAll(scopes) ? scopes : null;
    }

    /** {@code id:secret} from {@code Authorization: Basic …}, or null when absent or malformed. */
    static String[] basicCredentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                    StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            // RFC 6749 §2.3.1: id and secret are form-encoded before Base64.
            return colon < 0 ? null : new String[] {
                URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private Reply issued(String token, List<String> scopes) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("token_type", "Bearer");
        body.put("expires_in", minter.lifetime().toSeconds());
        body.put("scope", String.join(" ", scopes));
        return Reply.json(200, body).withHeader("Cache-Control", "no-store").withHeader("Pragma", "no-cache");
    }
}
