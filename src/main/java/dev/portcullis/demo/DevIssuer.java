package dev.portcullis.demo;

import com.nimbusds.jwt.JWTClaimsSet;
import com.sun.net.httpserver.HttpServer;
import java.net.http.HttpClient;
import java.time.Clock;
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
 *
 * <p>It also plays the Okta org's directory ({@link Directory}): each user has an Okta id (the
 * tokens' {@code uid}) and each group one; the management API answers at the org root
 * {@code http://127.0.0.1:<port>/api/v1/…} ({@link DirectoryApi}, {@code SSWS} token and rate
 * limits from {@link DirectoryOptions}); and {@code POST /dev/membership} changes a membership or
 * a user's status and delivers the matching Event Hook to the {@link #eventHook registered} target
 * ({@link MembershipRoute}). New tokens carry the directory's groups as they are at minting.
 *
 * <p>For browsers it is an OIDC provider to the {@link #registerClient registered} clients: the
 * authorization endpoint {@code /v1/authorize} shows a sign-in page that picks one of the users
 * ({@link AuthorizeEndpoint}; code flow, PKCE S256 required), the token endpoint redeems codes and
 * rotates refresh tokens with reuse detection ({@link CodeGrant}), and {@code /v1/logout} is the
 * end-session endpoint ({@link EndSessionEndpoint}).
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
    private final Directory directory;
    private final DirectoryOptions options;
    private final String orgUrl;
    private final HttpClient hookClient;
    private volatile EventHookTarget eventHook;
    private final BrowserClients browserClients = new BrowserClients();

    private DevIssuer(HttpServer server, Duration tokenLifetime, DevUsers users, DirectoryOptions options) {
        this.server = server;
        this.users = users;
        this.options = options;
        this.orgUrl = "http://" + Exchanges.LOOPBACK + ":" + server.getAddress().getPort();
        this.issuer = orgUrl + BASE_PATH;
        this.minter = new TokenMinter(issuer, tokenLifetime);
        this.executor = Exchanges.executor("dev-issuer");
        this.directory = new Directory(users);
        this.hookClient = HttpClient.newBuilder().connectTimeout(HookDelivery.CONNECT_TIMEOUT).executor(executor).build();
        server.setExecutor(executor);
        DirectoryApi api = new DirectoryApi(orgUrl, directory, options.apiToken(), options.ratePerMinute(),
                Clock.systemUTC());
        MembershipRoute membership = new MembershipRoute(orgUrl, directory, () -> eventHook,
                new HookDelivery(hookClient));
        server.createContext("/", new IssuerEndpoints(issuer, keys, minter, users, directory, api, membership,
                browserClients));
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
        return start(port, tokenLifetime, users, DirectoryOptions.defaults());
    }

    /** As {@link #start(int, Duration, DevUsers)}, with the management API's token and rate limit. */
    public static DevIssuer start(int port, Duration tokenLifetime, DevUsers users, DirectoryOptions options) {
        Objects.requireNonNull(tokenLifetime, "tokenLifetime");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(options, "options");
        if (tokenLifetime.toSeconds() < 1) {
            throw new IllegalArgumentException("token lifetime must be at least one second: " + tokenLifetime);
        }
        DevIssuer dev = new DevIssuer(Exchanges.bind(port), tokenLifetime, users, options);
        dev.server.start();
        return dev;
    }

    /** {@code http://127.0.0.1:<port>/oauth2/default}, exactly as in the tokens' {@code iss}. */
    public String issuer() {
        return issuer;
    }

    /** {@code http://127.0.0.1:<port>}: the org, whose management API is under {@code /api/v1/}. */
    public String orgUrl() {
        return orgUrl;
    }

    /** The token the management API accepts as {@code Authorization: SSWS <token>}. */
    public String apiToken() {
        return options.apiToken();
    }

    /** {@code <org>/dev/membership}: the admin call that changes the directory and delivers the Event Hook. */
    public String membershipEndpoint() {
        return orgUrl + "/dev/membership";
    }

    /** Registers where Event Hooks go from now on (null: nowhere), as an Okta admin would. */
    public void eventHook(EventHookTarget target) {
        this.eventHook = target;
    }

    /**
     * Registers (or replaces) a client that signs browsers in: {@link #authorizationEndpoint()}, the
     * code and refresh grants at {@link #tokenEndpoint()}, {@link #endSessionEndpoint()}.
     */
    public void registerClient(BrowserClient client) {
        browserClients.register(client);
    }

    /** {@code <issuer>/v1/authorize}: the sign-in page (a user picker) of the code flow with PKCE. */
    public String authorizationEndpoint() {
        return issuer + "/v1/authorize";
    }

    /** {@code <issuer>/v1/logout}: the OIDC end-session endpoint. */
    public String endSessionEndpoint() {
        return issuer + "/v1/logout";
    }

    /** The user's Okta id ({@code 00u…}, the tokens' {@code uid}), by login or e-mail. */
    public String userId(String user) {
        return users.require(user).uid();
    }

    /** The group's Okta id ({@code 00g…}), stable for its name. */
    public static String groupId(String name) {
        return OktaIds.group(name);
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

    /**
     * A user access token for one of its users, by login ({@code alice}) or e-mail, with the groups
     * the directory has now; unknown users throw. Unlike the token endpoints, this mints for a
     * deactivated or suspended user too, so that tests can hold such a token.
     */
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
        DemoUser u = directory.login(user).map(Directory.Entry::user).orElseGet(() -> users.require(user));
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
