package dev.portcullis.demo;

import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * An Okta-compatible development OIDC issuer on 127.0.0.1, laid out like a custom authorization
 * server with id {@code default}: issuer {@code http://127.0.0.1:<port>/oauth2/default}, discovery
 * under {@code /.well-known/}, keys at {@code /v1/keys}, tokens at {@code /v1/token}, and the
 * dev-only {@code GET /v1/dev/token?user=alice[&groups=a,b][&scope=x y]} returning a raw token as
 * text ({@link DevTokenRoute}). Discovery names only these endpoints.
 *
 * <p>Tokens are RS256 access tokens with Okta's claims ({@link TokenMinter}) for the fixed
 * {@link DemoUsers}, or for the users it is started with ({@link DevUsers}). Keys can be rotated and old keys dropped to exercise a verifier's key
 * handling. For development and tests only: passwords equal logins.
 */
public final class DevIssuer implements AutoCloseable {
    /** The {@code aud} of every token, as on Okta's default authorization server. */
    public static final String AUDIENCE = "api://default";
    /** The {@code cid} of user tokens. */
    public static final String CLIENT_ID = "portcullis-demo";
    /** Access-token lifetime unless another is given: Okta's minimum, five minutes. */
    public static final Duration DEFAULT_TOKEN_LIFETIME = Duration.ofMinutes(5);
    static final String BASE_PATH = "/oauth2/default";

    private final HttpServer server;
    private final ExecutorService executor;
    private final String issuer;
    private final SigningKeys keys = new SigningKeys();
    private final TokenMinter minter;
    private final DevUsers users;

    private DevIssuer(HttpServer server, Duration tokenLifetime, DevUsers users) {
        this.server = server;
        this.users = users;
        this.issuer = "http://" + Exchanges.LOOPBACK + ":" + server.getAddress().getPort() + BASE_PATH;
        this.minter = new TokenMinter(issuer, tokenLifetime);
        this.executor = Exchanges.executor("dev-issuer");
        server.setExecutor(executor);
        server.createContext("/", new IssuerEndpoints(issuer, keys, minter, users));
    }

    /** Starts on 127.0.0.1 and {@code port} (0 = ephemeral) with five-minute tokens. */
    public static DevIssuer start(int port) {
        return start(port, DEFAULT_TOKEN_LIFETIME);
    }

    /** Starts on 127.0.0.1 and {@code port} (0 = ephemeral), issuing tokens that live {@code tokenLifetime}. */
    public static DevIssuer start(int port, Duration tokenLifetime) {
        return start(port, tokenLifetime, DevUsers.demo());
    }

    /**
     * Starts on 127.0.0.1 and {@code port} (0 = ephemeral), issuing tokens that live
     * {@code tokenLifetime} for {@code users} ({@code dev-issuer --user}) instead of the demo users.
     */
    public static DevIssuer start(int port, Duration tokenLifetime, DevUsers users) {
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        Objects.requireNonNull(users, "users");
        if (tokenLifetime.toSeconds() < 1) {
            throw new IllegalArgumentException("token lifetime must be at least one second: " + tokenLifetime);
        }
        DevIssuer dev = new DevIssuer(Exchanges.bind(port), tokenLifetime, users);
        dev.server.start();
        return dev;
    }

    /** {@code http://127.0.0.1:<port>/oauth2/default}, exactly as in the tokens' {@code iss}. */
    public String issuer() {
        return issuer;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code <issuer>/v1/keys}. */
    public String jwksUri() {
        return issuer + "/v1/keys";
    }

    /** {@code <issuer>/v1/token}. */
    public String tokenEndpoint() {
        return issuer + "/v1/token";
    }

    public Duration tokenLifetime() {
        return minter.lifetime();
    }

    /** The users this issuer mints tokens for. */
    public DevUsers users() {
        return users;
    }

    /** A user access token for one of its users, by login ({@code alice}) or e-mail; unknown users throw. */
    public String mint(String user) {
        return sign(claims(user).build());
    }

    /** A token for {@code alice} with claims added or replaced; a null value removes the claim. */
    public String mintClaims(Map<String, ?> claims) {
        return mintClaims("alice", claims);
    }

    /**
     * A token for {@code user} with claims added or replaced: a null value removes the claim, an
     * {@link java.time.Instant} becomes a date claim (e.g. {@code "exp"} in the past).
     */
    public String mintClaims(String user, Map<String, ?> claims) {
        return sign(TokenMinter.override(claims(user), claims).build());
    }

    /** A client-credentials token for a demo client: {@code scp}, {@code sub = cid = clientId}, no groups. */
    public String mintForClient(String clientId, List<String> scopes) {
        DemoClient client = DemoUsers.client(clientId)
                .orElseThrow(() -> new IllegalArgumentException("unknown demo client '" + clientId + "'"));
        return sign(minter.forClient(client, scopes).build());
    }

    /** The claims {@link #mint(String)} would sign, fresh ({@code jti}, {@code iat}), to customize. */
    public JWTClaimsSet.Builder claims(String user) {
        DemoUser u = users.require(user);
        return minter.forUser(u, u.scopes());
    }

    /** Signs any claims with the current key (RS256, {@code kid}, {@code typ: JWT}). */
    public String sign(JWTClaimsSet claims) {
        return keys.sign(claims);
    }

    /** A well-formed token for {@code user} signed by a fresh key that is never published. */
    public String mintWithUnpublishedKey(String user) {
        return SigningKeys.sign(SigningKeys.generate(), claims(user).build());
    }

    /** Publishes a new key next to the old ones and signs with it from now on. */
    public void rotateKey() {
        keys.rotate();
    }

    /** Unpublishes every key but the current one. */
    public void dropOldKeys() {
        keys.dropOld();
    }

    /** The {@code kid} new tokens carry. */
    public String currentKeyId() {
        return keys.currentKeyId();
    }

    /** The {@code kid}s in the JWKS, oldest first. */
    public List<String> publishedKeyIds() {
        return keys.publishedKeyIds();
    }

    /** Stops listening at once and stops the worker threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
