package dev.portcullis.demo;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the dev issuer's requests, laid out like an Okta org: a custom authorization server under
 * {@code /oauth2/default} (discovery, keys, token, the browser sign-in's authorize and logout
 * endpoints, and a dev-only plain-text token shortcut), the
 * org's management API under {@code /api/v1/} ({@link DirectoryApi}), and the dev-only admin call
 * {@code /dev/membership} ({@link MembershipRoute}), whose answer may complete later.
 */
final class IssuerEndpoints implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(IssuerEndpoints.class);
    private static final int MAX_BODY = 64 * 1024;
    /** How long the sign-in page's pending request waits for a pick, and how long a code lives. */
    static final Duration SIGN_IN_LIFETIME = Duration.ofMinutes(10);
    static final Duration CODE_LIFETIME = Duration.ofSeconds(60);
    private static final int MAX_PENDING = 10_000;
    private final SigningKeys keys;
    private final TokenEndpoint tokens;
    private final DevTokenRoute devTokens;
    private final Reply discovery;
    private final DirectoryApi api;
    private final MembershipRoute membership;
    private final AuthorizeEndpoint authorize;
    private final EndSessionEndpoint endSession;

    IssuerEndpoints(String issuer, SigningKeys keys, TokenMinter minter, DevUsers users, Directory directory,
            DirectoryApi api, MembershipRoute membership, BrowserClients clients) {
        this.keys = keys;
        OneTimeStore<SignInRequest.Code> codes = new OneTimeStore<>(CODE_LIFETIME, MAX_PENDING, Clock.systemUTC());
        this.tokens = new TokenEndpoint(minter, keys, directory,
                new CodeGrant(clients, codes, new RefreshTokens(), directory, minter, keys));
        this.authorize = new AuthorizeEndpoint(DevIssuer.BASE_PATH + "/v1/authorize", clients, directory,
                supportedScopes(users), new OneTimeStore<>(SIGN_IN_LIFETIME, MAX_PENDING, Clock.systemUTC()), codes);
        this.endSession = new EndSessionEndpoint(issuer, keys, clients);
        this.devTokens = new DevTokenRoute(directory, minter, keys);
        this.discovery = Reply.json(200, discoveryDocument(issuer, users));
        this.api = api;
        this.membership = membership;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        CompletableFuture<Reply> reply;
        try {
            reply = routeAsync(exchange);
        } catch (IOException | RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        // The answer is written by whichever thread completes it: an issuer thread at once, or the
        // HTTP client's thread once an Event Hook delivery has been answered.
        reply.whenComplete((r, failure) -> {
            Reply out = r;
            if (failure != null) {
                LOG.warn("dev issuer failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), failure);
                out = Reply.json(500, Map.of("error", "server_error"));
            }
            try {
                Exchanges.send(exchange, out);
            } catch (IOException e) {
                LOG.debug("dev issuer could not answer {}", exchange.getRequestURI(), e);
            } finally {
                exchange.close();
            }
        });
    }

    private CompletableFuture<Reply> routeAsync(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        if (path.equals("/dev/membership")) {
            byte[] body = Exchanges.readBody(exchange, MAX_BODY);
            return body == null ? CompletableFuture.completedFuture(Reply.oauthError(413, "invalid_request",
                    "body larger than " + MAX_BODY + " bytes")) : membership.handle(exchange.getRequestMethod(), body);
        }
        return CompletableFuture.completedFuture(route(exchange));
    }

    private Reply route(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String method = exchange.getRequestMethod();
        if (path.startsWith(DirectoryApi.PREFIX)) {
            return api.handle(method, path, exchange.getRequestURI().getRawQuery(),
                    exchange.getRequestHeaders().getFirst("Authorization"));
        }
        String base = DevIssuer.BASE_PATH;
        if (path.equals(base + "/v1/token")) {
            byte[] body = Exchanges.readBody(exchange, MAX_BODY);
            if (body == null) {
                return Reply.oauthError(413, "invalid_request", "body larger than " + MAX_BODY + " bytes");
            }
            return tokens.handle(method, exchange.getRequestHeaders().getFirst("Content-Type"),
                    exchange.getRequestHeaders().getFirst("Authorization"), body);
        }
        if (path.equals(base + "/v1/authorize")) {
            byte[] body = Exchanges.readBody(exchange, MAX_BODY);
            return body == null ? SignInPage.error(413, "invalid_request", "body larger than " + MAX_BODY + " bytes")
                    : authorize.handle(method, exchange.getRequestURI().getRawQuery(),
                            exchange.getRequestHeaders().getFirst("Content-Type"), body);
        }
        if (path.equals(base + "/v1/logout")) {
            return endSession.handle(method, exchange.getRequestURI().getRawQuery());
        }
        boolean read = method.equals("GET") || method.equals("HEAD");
        if (path.equals(base + "/.well-known/openid-configuration")
                || path.equals(base + "/.well-known/oauth-authorization-server")) {
            return read ? discovery : notAllowed();
        }
        if (path.equals(base + "/v1/keys")) {
            return read ? Reply.rawJson(200, keys.publicJwks()).withHeader("Cache-Control", "max-age=300")
                    : notAllowed();
        }
        if (path.equals(base + "/v1/dev/token")) {
            return read ? devTokens.handle(exchange.getRequestURI().getRawQuery()) : notAllowed();
        }
        return Reply.json(404, Map.of("error", "not_found", "error_description", "no such endpoint: " + path));
    }

    private static Reply notAllowed() {
        return Reply.json(405, Map.of("error", "method_not_allowed")).withHeader("Allow", "GET, HEAD");
    }

    /**
     * RFC 8414 / OIDC discovery naming only what is served: keys, the token endpoint, and the
     * browser sign-in's authorization endpoint (code flow, PKCE S256 only) and end-session endpoint.
     */
    private static Map<String, Object> discoveryDocument(String iss, DevUsers users) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("issuer", iss);
        doc.put("authorization_endpoint", iss + "/v1/authorize");
        doc.put("token_endpoint", iss + "/v1/token");
        doc.put("end_session_endpoint", iss + "/v1/logout");
        doc.put("jwks_uri", iss + "/v1/keys");
        doc.put("response_types_supported", List.of("code"));
        doc.put("response_modes_supported", List.of("query"));
        doc.put("code_challenge_methods_supported", List.of("S256"));
        doc.put("grant_types_supported", List.of("password", "client_credentials", "authorization_code",
                "refresh_token"));
        doc.put("subject_types_supported", List.of("public"));
        doc.put("id_token_signing_alg_values_supported", List.of("RS256"));
        doc.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        List<String> scopes = new ArrayList<>(supportedScopes(users));
        DemoUsers.CLIENTS.forEach(c -> c.scopes().stream().filter(s -> !scopes.contains(s)).forEach(scopes::add));
        doc.put("scopes_supported", scopes);
        doc.put("claims_supported", List.of("ver", "jti", "iss", "aud", "iat", "exp", "cid", "uid", "sub", "scp",
                "auth_time", "groups", "email", "nonce", "name", "preferred_username", "amr"));
        return doc;
    }

    /** What users may ask for at sign-in: their scopes and {@code offline_access} (a refresh token). */
    private static List<String> supportedScopes(DevUsers users) {
        List<String> scopes = new ArrayList<>(users.scopes());
        if (!scopes.contains(CodeGrant.OFFLINE_ACCESS)) {
            scopes.add(CodeGrant.OFFLINE_ACCESS);
        }
        return scopes;
    }
}
