package dev.portcullis.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.authn.KeyFetcher;
import dev.portcullis.compile.PolicyCompiler;
import dev.portcullis.compile.Route;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.forward.AssertionKeys;
import dev.portcullis.membership.MembershipCheck;
import dev.portcullis.observe.Metrics;
import dev.portcullis.route.RouteSlots;
import dev.portcullis.session.MemorySessionStore;
import dev.portcullis.session.OidcClient;
import dev.portcullis.session.SessionCheck;
import dev.portcullis.session.SessionEvents;
import dev.portcullis.session.SessionSettings;
import dev.portcullis.session.Sessions;
import dev.portcullis.session.TokenSet;
import dev.portcullis.vocab.BlockList;
import dev.portcullis.vocab.Reason;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The session step of the decision core ({@link SessionStep}) through {@link Decider#decide}:
 * navigation vs XHR vs no cookie vs unknown cookie, the bearer path untouched, the session's token
 * judged by the bearer rules, the refresh wait, and the CSRF matrix.
 */
class SessionDecideTest {
    private static final String ISS = "https://issuer.test/oauth2/default";
    private static final String AUD = "api://default";
    private static final String HOST = "app.example.com";
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            issuers:
              - id: okta
                issuer: "%s"
                audiences: [%s]
                jwks_uri: "https://keys.test/okta"
                client: { client_id: portcullis, client_secret_file: /run/secrets/okta-client }
            routes:
              - id: app
                match: { path: /app/** }
                upstream: http://127.0.0.1:9
                login: browser
                allow: [ { groups_any: [engineering] } ]
              - id: api
                match: { path: /api/** }
                upstream: http://127.0.0.1:9
                allow: [ { groups_any: [engineering] } ]
            """.formatted(ISS, AUD);

    private static RSAKey key;
    private static ScheduledExecutorService scheduler;
    private static Snapshot snapshot;
    private static Sessions sessions;
    private static final AtomicInteger refreshCalls = new AtomicInteger();
    private static final List<CompletableFuture<TokenSet>> refreshes = new ArrayList<>();
    private static String alice;
    private static String intern;
    private static String due;

    @BeforeAll
    static void compile() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        ProxyConfig config = new ConfigReader(Map.of()).read("sessions.yaml", CONFIG);
        KeyFetcher fetcher = new KeyFetcher() {
            @Override
            public CompletableFuture<URI> discover(String issuer) {
                return CompletableFuture.failedFuture(new AssertionError("no discovery expected"));
            }

            @Override
            public CompletableFuture<FetchedKeys> fetchKeys(URI jwksUri) {
                return CompletableFuture.completedFuture(new FetchedKeys(new JWKSet(key.toPublicJWK()),
                        OptionalLong.empty()));
            }
        };
        IssuerKeys k = new IssuerKeys("okta", ISS, URI.create("https://keys.test/okta"), Duration.ofHours(1),
                Duration.ofSeconds(10), fetcher, scheduler, CLOCK, IssuerKeys.Listener.NONE);
        k.start();
        snapshot = new PolicyCompiler(new Metrics(), CLOCK, new RouteSlots()).compile(config, Map.of("okta", k),
                new AssertionKeys(CLOCK, Duration.ofSeconds(60)), "test");
        OidcClient oidc = (issuer, refresh) -> {
            refreshCalls.incrementAndGet();
            CompletableFuture<TokenSet> f = new CompletableFuture<>();
            refreshes.add(f);
            return f;
        };
        sessions = new Sessions(new MemorySessionStore(), oidc, SessionSettings.of(config), SessionEvents.NONE,
                NOW::toEpochMilli);
        long t = NOW.toEpochMilli();
        alice = sessions.start("okta", "alice", tokens("alice", "engineering", 3_600), null, t - 60_000);
        intern = sessions.start("okta", "ivan", tokens("ivan", "interns", 3_600), null, t - 60_000);
        due = sessions.start("okta", "dora", tokens("dora", "engineering", 30), null, t - 60_000);
    }

    @AfterAll
    static void stop() {
        scheduler.shutdownNow();
    }

    private static TokenSet tokens(String sub, String group, long expiresIn) {
        return new TokenSet(token(sub, group, expiresIn), "refresh-" + sub, null, NOW.plusSeconds(expiresIn).toEpochMilli());
    }

    private static String token(String sub, String group, long expiresIn) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").type(JOSEObjectType.JWT)
                    .build(), new JWTClaimsSet.Builder().issuer(ISS).audience(AUD).subject(sub)
                    .issueTime(Date.from(NOW.minusSeconds(60))).expirationTime(Date.from(NOW.plusSeconds(expiresIn)))
                    .claim("groups", List.of(group)).build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A request on HOST over https; {@code cookie} is the session cookie's value or null. */
    private static RequestFacts facts(String method, String path, String cookie, String site, String mode,
            String accept, String origin, List<String> authorization) {
        RequestFacts f = new RequestFacts(method, RequestFacts.Version.HTTP_1_1, RequestFacts.DecoderFailure.NONE, path,
                List.of(HOST), RequestFacts.Expect.NONE, 4, true, authorization, "198.51.100.7", NOW.toEpochMilli(),
                origin == null ? CorsFacts.NONE : CorsFacts.from(origin));
        return f.withBrowser(new BrowserFacts(cookie, site, mode, BrowserFacts.isNavigation(method, mode, accept),
                "https"));
    }

    private static Verdict<Route> decide(RequestFacts f) {
        return Route.DECIDER.decide(f, snapshot.routes(), snapshot.config().server(), snapshot.authenticator(),
                BlockList.NONE, MembershipCheck.OFF, sessions);
    }

    static Stream<Arguments> withoutAUsableSession() {
        String unknown = dev.portcullis.session.SessionIds.next();
        return Stream.of(
                // no cookie: a navigation signs in, anything else is 401 token_missing as today
                arguments("GET", null, "navigate", null, Reason.SIGN_IN_REQUIRED, null),
                arguments("HEAD", null, "navigate", null, Reason.SIGN_IN_REQUIRED, null),
                arguments("GET", null, null, "text/html,application/xhtml+xml", Reason.SIGN_IN_REQUIRED, null),
                arguments("GET", null, "cors", "text/html", Reason.TOKEN_MISSING, null),
                arguments("GET", null, null, "application/json", Reason.TOKEN_MISSING, null),
                arguments("GET", null, null, null, Reason.TOKEN_MISSING, null),
                arguments("POST", null, "navigate", "text/html", Reason.TOKEN_MISSING, null),
                // a cookie naming no session: a navigation signs in again, anything else 401 session_expired
                arguments("GET", unknown, "navigate", null, Reason.SIGN_IN_REQUIRED, "unknown"),
                arguments("GET", unknown, null, "text/html", Reason.SIGN_IN_REQUIRED, "unknown"),
                arguments("GET", unknown, "cors", null, Reason.SESSION_EXPIRED, "unknown"),
                arguments("GET", unknown, null, "*/*", Reason.SESSION_EXPIRED, "unknown"),
                arguments("GET", "not-an-id", "same-origin", null, Reason.SESSION_EXPIRED, "unknown"),
                arguments("GET", "", "navigate", null, Reason.SIGN_IN_REQUIRED, "unknown"),
                arguments("DELETE", unknown, "cors", null, Reason.SESSION_EXPIRED, "unknown"));
    }

    @ParameterizedTest(name = "{0} cookie={1} mode={2} accept={3} → {4}")
    @MethodSource
    void withoutAUsableSession(String method, String cookie, String mode, String accept, Reason reason, String event) {
        Verdict<Route> v = decide(facts(method, "/app/x", cookie, "same-origin", mode, accept, null, List.of()));
        assertThat(v).isInstanceOf(Verdict.Refuse.class);
        assertThat(((Verdict.Refuse<Route>) v).reason()).isEqualTo(reason);
        if (event == null) {
            assertThat(v.session()).isNull();
        } else {
            assertThat(v.session().clearCookie()).isTrue();
            assertThat(v.session().event()).isEqualTo(event);
        }
    }

    @Test
    void aUsableSessionGetsExactlyTheBearerCallersRules() {
        Verdict<Route> v = decide(facts("GET", "/app/x", alice, "same-origin", "cors", null, null, List.of()));
        assertThat(v).isInstanceOf(Verdict.Forward.class);
        assertThat(((Verdict.Forward<Route>) v).reason()).isEqualTo(Reason.ALLOWED);
        assertThat(((Verdict.Forward<Route>) v).identity().subject()).isEqualTo("alice");
        assertThat(v.session().accessToken()).isNotNull();
        assertThat(v.session().clearCookie()).isFalse();
        Verdict<Route> denied = decide(facts("GET", "/app/x", intern, "same-origin", "navigate", null, null, List.of()));
        assertThat(((Verdict.Refuse<Route>) denied).reason()).isEqualTo(Reason.GROUP_DENIED);
        assertThat(((Verdict.Refuse<Route>) denied).identity().subject()).isEqualTo("ivan");
    }

    @Test
    void withAnAuthorizationHeaderTheCookieIsIgnored() {
        Verdict<Route> bearer = decide(facts("GET", "/app/x", alice, "same-origin", "navigate", null, null,
                List.of("Bearer " + token("ivan", "interns", 300))));
        assertThat(((Verdict.Refuse<Route>) bearer).reason()).isEqualTo(Reason.GROUP_DENIED);
        assertThat(((Verdict.Refuse<Route>) bearer).identity().subject()).isEqualTo("ivan");
        assertThat(bearer.session()).isNull();
        Verdict<Route> basic = decide(facts("GET", "/app/x", alice, "same-origin", "navigate", null, null,
                List.of("Basic YTpi")));
        assertThat(((Verdict.Refuse<Route>) basic).reason()).isEqualTo(Reason.TOKEN_MISSING);
    }

    @Test
    void aBearerRouteNeverLooksAtTheCookie() {
        Verdict<Route> v = decide(facts("GET", "/api/x", alice, "same-origin", "navigate", "text/html", null, List.of()));
        assertThat(((Verdict.Refuse<Route>) v).reason()).isEqualTo(Reason.TOKEN_MISSING);
        assertThat(v.session()).isNull();
    }

    @Test
    void theToolsPassNoSessionsAndSeeTodaysAnswers() {
        RequestFacts f = facts("GET", "/app/x", alice, "same-origin", "cors", null, null, List.of());
        Verdict<Route> v = Route.DECIDER.decide(f, snapshot.routes(), snapshot.config().server(),
                snapshot.authenticator(), BlockList.NONE, MembershipCheck.OFF, SessionCheck.OFF);
        assertThat(((Verdict.Refuse<Route>) v).reason()).isEqualTo(Reason.SESSION_EXPIRED);
        Verdict<Route> plain = Route.DECIDER.decide(RequestFacts.of("GET", "/app/x", HOST, List.of()),
                snapshot.routes(), snapshot.config().server(), snapshot.authenticator(), BlockList.NONE);
        assertThat(((Verdict.Refuse<Route>) plain).reason()).isEqualTo(Reason.TOKEN_MISSING);
    }

    @Test
    void aDueRefreshIsAWaitAndTheResumeGoesOnWithTheNewToken() {
        RequestFacts f = facts("GET", "/app/x", due, "same-origin", "cors", null, null, List.of());
        int before = refreshCalls.get();
        Verdict<Route> v = decide(f);
        assertThat(v).isInstanceOf(Verdict.AwaitSession.class);
        Verdict<Route> second = decide(f);
        assertThat(second).isInstanceOf(Verdict.AwaitSession.class);
        assertThat(refreshCalls.get()).isEqualTo(before + 1);
        refreshes.get(refreshes.size() - 1).complete(tokens("dora", "engineering", 600));
        Verdict<Route> after = Route.DECIDER.resumeSession(f, (Verdict.AwaitSession<Route>) v,
                snapshot.authenticator(), BlockList.NONE, MembershipCheck.OFF, sessions);
        assertThat(((Verdict.Forward<Route>) after).reason()).isEqualTo(Reason.ALLOWED);
        assertThat(after.session().event()).isEqualTo("refreshed");
        assertThat(after.session().newId()).isNotNull().isNotEqualTo(due);
    }

    @Test
    void anExpiredTokenWhoseRefreshCannotReachTheIssuerIs503NeverTheExpiredToken() {
        String expired = sessions.start("okta", "erin", tokens("erin", "engineering", -10), null,
                NOW.toEpochMilli() - 60_000);
        RequestFacts f = facts("GET", "/app/x", expired, "same-origin", "cors", null, null, List.of());
        Verdict.AwaitSession<Route> wait = (Verdict.AwaitSession<Route>) decide(f);
        refreshes.get(refreshes.size() - 1).completeExceptionally(new java.io.IOException("connection refused"));
        Verdict<Route> after = Route.DECIDER.resumeSession(f, wait, snapshot.authenticator(), BlockList.NONE,
                MembershipCheck.OFF, sessions);
        assertThat(((Verdict.Refuse<Route>) after).reason()).isEqualTo(Reason.REFRESH_UNAVAILABLE);
        assertThat(after.session().event()).isEqualTo("refresh_failed");
    }

    /** Sec-Fetch-Site and Origin × methods: only same-origin unsafe requests pass; safe methods always. */
    static Stream<Arguments> csrf() {
        List<Arguments> out = new ArrayList<>();
        String[][] headers = {
            {"same-origin", null, "pass"},
            {"same-origin", "https://evil.example", "pass"}, // Sec-Fetch-Site wins: the browser set it
            {"same-site", null, "refuse"},
            {"cross-site", null, "refuse"},
            {"none", null, "refuse"},
            {"cross-site", "https://" + HOST, "refuse"},
            {"", "https://" + HOST, "refuse"}, // sent twice
            {null, "https://" + HOST, "pass"},
            {null, "https://APP.example.com", "pass"},
            {null, "http://" + HOST, "refuse"},
            {null, "https://" + HOST + ":8443", "refuse"},
            {null, "https://evil.example", "refuse"},
            {null, "https://app.example.com.evil.example", "refuse"},
            {null, "null", "refuse"},
            {null, null, "refuse"}, // neither header: fail closed
        };
        for (String method : List.of("POST", "PUT", "PATCH", "DELETE", "GET", "HEAD", "OPTIONS")) {
            boolean safe = List.of("GET", "HEAD", "OPTIONS").contains(method);
            for (String[] h : headers) {
                out.add(arguments(method, h[0], h[1], safe || h[2].equals("pass")));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} Sec-Fetch-Site={1} Origin={2} → passes={3}")
    @MethodSource
    void csrf(String method, String site, String origin, boolean passes) {
        Verdict<Route> v = decide(facts(method, "/app/x", alice, site, "cors", null, origin, List.of()));
        if (passes) {
            assertThat(v).isInstanceOf(Verdict.Forward.class);
        } else {
            assertThat(((Verdict.Refuse<Route>) v).reason()).isEqualTo(Reason.CSRF_REJECTED);
            assertThat(((Verdict.Refuse<Route>) v).step()).isEqualTo(Verdict.Step.CSRF);
        }
    }

    @Test
    void bearerRequestsAreNeverCsrfChecked() {
        Verdict<Route> v = decide(facts("POST", "/app/x", alice, "cross-site", "cors", null, "https://evil.example",
                List.of("Bearer " + token("alice", "engineering", 300))));
        assertThat(v).isInstanceOf(Verdict.Forward.class);
        assertThat(v.session()).isNull();
    }
}
