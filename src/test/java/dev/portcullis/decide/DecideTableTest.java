package dev.portcullis.decide;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.authn.KeyFetcher;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.compile.PolicyCompiler;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.decide.RequestFacts.DecoderFailure;
import dev.portcullis.decide.RequestFacts.Expect;
import dev.portcullis.decide.RequestFacts.Version;
import dev.portcullis.decide.Verdict.Step;
import dev.portcullis.vocab.BlockList;
import dev.portcullis.vocab.Blocked;
import dev.portcullis.forward.AssertionKeys;
import dev.portcullis.observe.Metrics;
import dev.portcullis.compile.Route;
import dev.portcullis.route.RouteSlots;
import dev.portcullis.membership.DirectoryEvent;
import dev.portcullis.membership.DirectoryEvent.Type;
import dev.portcullis.membership.MembershipOverlay;
import dev.portcullis.membership.MemorySharedState;
import dev.portcullis.membership.OverlayCounters;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every verdict the decision core can reach, through {@link Decider#decide} alone: no sockets, no
 * event loop. The routes, the authenticator and its claim checks are the proxy's, compiled from
 * YAML by {@link PolicyCompiler}; keys are generated here and tokens minted per case.
 *
 * <p>{@code client_closed} is not here: it is no verdict but what the handler records when the
 * client leaves before its answer is complete (the handler's own tests cover it); likewise the
 * reasons of the forwarding leg (413, 502, 503 {@code upstream_busy}, 504, 408) and 500.
 */
class DecideTableTest {
    private static final String ISS = "https://issuer.test/oauth2/default";
    private static final String SLOW_ISS = "https://slow.test/";
    private static final String AUD = "api://default";
    private static final String HOST = "api.example.com";
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final String BLOCKED_CLIENT = "203.0.113.9";
    private static final String BLOCKED_SUBJECT = "mallory";

    private static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0, token_file: /run/secrets/admin-token }
            server: { max_header_count: 20, max_token_bytes: 2048 }
            issuers:
              - { id: okta, issuer: "%s", audiences: [%s], jwks_uri: "https://keys.test/okta", max_token_lifetime: 1h }
              - { id: slow, issuer: "%s", audiences: [%s], jwks_uri: "https://keys.test/slow", max_token_lifetime: 1h }
            routes:
              - id: orders
                match: { host: %s, path: /orders/** }
                upstream: http://127.0.0.1:9
                deny: [ { groups_any: [suspended] }, { groups_any: [interns], mode: audit } ]
                allow: [ { methods: [GET], groups_any: [readers] } ]
                issuers: [okta]
              - id: docs
                match: { host: %s, path: /docs/** }
                upstream: http://127.0.0.1:9
                public: true
              - id: beta
                match: { host: %s, path: /beta/** }
                upstream: http://127.0.0.1:9
                mode: audit
                allow: [ { groups_any: [beta] } ]
              - id: slow
                match: { host: %s, path: /slow/** }
                upstream: http://127.0.0.1:9
                allow: [ { groups_any: [readers] } ]
                issuers: [slow]
              - id: spa
                match: { path: /spa/** }
                upstream: http://127.0.0.1:9
                allow: [ { groups_any: [readers] } ]
                cors: { allowed_origins: [https://app.example.com], allowed_methods: [PUT], allowed_headers: [Authorization] }
              - id: hooks
                match: { path: /hooks/** }
                upstream: http://127.0.0.1:9
                allow: [ { groups_any: [readers] } ]
                method_override: allow
                cors: passthrough
            """.formatted(ISS, AUD, SLOW_ISS, AUD, HOST, HOST, HOST, HOST);

    private static RSAKey key;
    private static RSAKey foreign;
    private static ScheduledExecutorService scheduler;
    private static Snapshot snapshot;
    private static final Decider<Route> CORE = Route.DECIDER;

    /** Blocks one client address (429) and one subject (403), as intrusion detection would. */
    private static final BlockList BLOCKS = (client, issuerId, subject, nowMillis) -> {
        if (BLOCKED_CLIENT.equals(client)) {
            return new Blocked("client", client, nowMillis + 60_000, 429);
        }
        if (BLOCKED_SUBJECT.equals(subject)) {
            return new Blocked("subject", issuerId + ":" + subject, nowMillis + 60_000, 403);
        }
        return null;
    };

    @BeforeAll
    static void compile() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        foreign = new RSAKeyGenerator(2048).keyID("k1").generate();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        ProxyConfig config = new ConfigReader(Map.of()).read("decide.yaml", CONFIG);
        Map<String, IssuerKeys> keys = new HashMap<>();
        keys.put("okta", keys("okta", ISS, CompletableFuture.completedFuture(
                new KeyFetcher.FetchedKeys(new JWKSet(key.toPublicJWK()), OptionalLong.empty()))));
        keys.put("slow", keys("slow", SLOW_ISS, new CompletableFuture<>())); // never answers
        snapshot = new PolicyCompiler(new Metrics(), CLOCK, new RouteSlots()).compile(config, keys,
                new AssertionKeys(CLOCK, Duration.ofSeconds(60)), "test");
    }

    @AfterAll
    static void stop() {
        scheduler.shutdownNow();
    }

    private static IssuerKeys keys(String id, String iss, CompletableFuture<KeyFetcher.FetchedKeys> answer) {
        KeyFetcher fetcher = new KeyFetcher() {
            @Override
            public CompletableFuture<URI> discover(String issuer) {
                return CompletableFuture.failedFuture(new AssertionError("no discovery expected"));
            }

            @Override
            public CompletableFuture<FetchedKeys> fetchKeys(URI jwksUri) {
                return answer;
            }
        };
        IssuerKeys k = new IssuerKeys(id, iss, URI.create("https://keys.test/" + id), Duration.ofHours(1),
                Duration.ofSeconds(10), fetcher, scheduler, CLOCK, IssuerKeys.Listener.NONE);
        k.start();
        return k;
    }

    // ---- requests and tokens --------------------------------------------------------------------

    /** A well-formed GET of {@code target} on HOST, without a token; each case changes one thing. */
    private record Req(String method, Version version, DecoderFailure failure, String target, List<String> hosts,
            Expect expect, int headerCount, boolean plainCoding, List<String> authorization, String client) {
        static Req get(String target) {
            return new Req("GET", Version.HTTP_1_1, DecoderFailure.NONE, target, List.of(HOST), Expect.NONE, 3, true,
                    List.of(), "198.51.100.7");
        }

        Req method(String m) {
            return new Req(m, version, failure, target, hosts, expect, headerCount, plainCoding, authorization, client);
        }

        Req version(Version v) {
            return new Req(method, v, failure, target, hosts, expect, headerCount, plainCoding, authorization, client);
        }

        Req failure(DecoderFailure f) {
            return new Req(method, version, f, target, hosts, expect, headerCount, plainCoding, authorization, client);
        }

        Req host(String... h) {
            return new Req(method, version, failure, target, List.of(h), expect, headerCount, plainCoding,
                    authorization, client);
        }

        Req expect(Expect e) {
            return new Req(method, version, failure, target, hosts, e, headerCount, plainCoding, authorization, client);
        }

        Req headerCount(int n) {
            return new Req(method, version, failure, target, hosts, expect, n, plainCoding, authorization, client);
        }

        Req codingNotPlain() {
            return new Req(method, version, failure, target, hosts, expect, headerCount, false, authorization, client);
        }

        Req authorization(String... values) {
            return new Req(method, version, failure, target, hosts, expect, headerCount, plainCoding,
                    Arrays.asList(values), client);
        }

        Req bearer(String token) {
            return authorization("Bearer " + token);
        }

        Req from(String c) {
            return new Req(method, version, failure, target, hosts, expect, headerCount, plainCoding, authorization, c);
        }

        RequestFacts facts() {
            return new RequestFacts(method, version, failure, target, hosts, expect, headerCount, plainCoding,
                    authorization, client, NOW.toEpochMilli());
        }

        @Override
        public String toString() {
            return method + " " + target;
        }
    }

    /** A valid token of the okta issuer for {@code sub} in {@code groups}, changed by {@code change}. */
    private static String token(String sub, List<String> groups, UnaryOperator<JWTClaimsSet.Builder> change) {
        return sign(change.apply(new JWTClaimsSet.Builder().issuer(ISS).audience(AUD).subject(sub)
                .issueTime(at(-60)).notBeforeTime(at(-60)).expirationTime(at(300)).claim("groups", groups)),
                JWSAlgorithm.RS256, rsaSigner(key));
    }

    private static String token(String sub, String... groups) {
        return token(sub, List.of(groups), b -> b);
    }

    private static String sign(JWTClaimsSet.Builder claims, JWSAlgorithm alg, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID("k1").type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    private static JWSSigner rsaSigner(RSAKey k) {
        try {
            return new RSASSASigner(k);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Date at(long secondsFromNow) {
        return Date.from(NOW.plusSeconds(secondsFromNow));
    }

    /**
     * The membership overlay (admin.token_file turns it on): each of these users had their tokens
     * taken from them, or lost a group, 30 s ago; every token here is issued 60 s ago, unless it says.
     */
    private static final MembershipOverlay OVERLAY = new MembershipOverlay(new MemorySharedState(),
            Duration.ofHours(1), CLOCK, OverlayCounters.NONE);

    static {
        Instant at = NOW.minusSeconds(30);
        OVERLAY.apply(new DirectoryEvent("ev-dora", Type.USER_DEACTIVATE, at, null, "dora", null, null, null));
        OVERLAY.apply(new DirectoryEvent("ev-sam", Type.USER_SUSPEND, at, null, "sam", null, null, null));
        OVERLAY.apply(new DirectoryEvent("ev-sean", Type.SESSION_END, at, null, "sean", null, null, null));
        OVERLAY.apply(new DirectoryEvent("ev-oscar", Type.OPERATOR_REVOKE, at, null, "oscar", null, null, "left"));
        OVERLAY.apply(new DirectoryEvent("ev-rita", Type.MEMBERSHIP_REMOVE, at, "00u-rita", "rita@x", "00g1", "readers",
                null));
        OVERLAY.apply(new DirectoryEvent("ev-rick", Type.MEMBERSHIP_REMOVE, at, null, "rick", "00g2", "interns", null));
        OVERLAY.apply(new DirectoryEvent("ev-fred", Type.MEMBERSHIP_REMOVE, at, null, "fred", "00g3", "suspended",
                null));
        OVERLAY.apply(new DirectoryEvent("ev-bea", Type.MEMBERSHIP_REMOVE, at, null, "bea", "00g4", "beta", null));
    }

    private static Verdict<Route> decide(Req r) {
        return CORE.decide(r.facts(), snapshot.routes(), snapshot.config().server(), snapshot.authenticator(), BLOCKS,
                OVERLAY);
    }

    // ---- refusals -------------------------------------------------------------------------------

    static Stream<Arguments> refusals() throws JOSEException {
        String orders = "/orders/1";
        String hs256 = sign(new JWTClaimsSet.Builder().issuer(ISS).audience(AUD).subject("alice")
                .expirationTime(at(300)), JWSAlgorithm.HS256, new MACSigner(new byte[32]));
        return Stream.of(
                // checkHead: every one closes the connection
                arguments(Req.get(orders).failure(DecoderFailure.MALFORMED), Reason.BAD_REQUEST, true, Step.CHECK_HEAD),
                arguments(Req.get(orders).failure(DecoderFailure.LINE_TOO_LONG), Reason.URI_TOO_LONG, true,
                        Step.CHECK_HEAD),
                arguments(Req.get(orders).failure(DecoderFailure.HEADERS_TOO_LARGE), Reason.HEADERS_TOO_LARGE, true,
                        Step.CHECK_HEAD),
                arguments(Req.get(orders).version(Version.OTHER), Reason.BAD_REQUEST, true, Step.CHECK_HEAD),
                arguments(Req.get(orders).method("delete"), Reason.BAD_REQUEST, true, Step.CHECK_HEAD),
                arguments(Req.get(orders).method(""), Reason.BAD_REQUEST, true, Step.CHECK_HEAD),
                arguments(Req.get(orders).codingNotPlain(), Reason.BAD_REQUEST, true, Step.CHECK_HEAD),
                arguments(Req.get(orders).headerCount(21), Reason.HEADERS_TOO_LARGE, true, Step.CHECK_HEAD),
                arguments(Req.get(orders).host(HOST, HOST), Reason.BAD_REQUEST, true, Step.CHECK_HEAD),
                arguments(Req.get(orders).host(), Reason.BAD_REQUEST, true, Step.CHECK_HEAD),
                // normalize
                arguments(Req.get(orders).host("a b"), Reason.BAD_REQUEST, true, Step.NORMALIZE),
                arguments(Req.get("/orders/%2e%2e%2fadmin"), Reason.PATH_REJECTED, true, Step.NORMALIZE),
                arguments(Req.get("http://other.example.com/orders/1"), Reason.PATH_REJECTED, true, Step.NORMALIZE),
                // route
                arguments(Req.get("/nowhere"), Reason.NO_ROUTE, false, Step.ROUTE),
                arguments(Req.get(orders).host("other.example.com"), Reason.NO_ROUTE, false, Step.ROUTE),
                // between route and token, public routes included
                arguments(Req.get("/docs/a?_method=DELETE"), Reason.METHOD_OVERRIDE_REJECTED, true,
                        Step.METHOD_OVERRIDE),
                arguments(Req.get("/docs/a").expect(Expect.OTHER), Reason.EXPECTATION_FAILED, true, Step.EXPECT),
                // extractToken
                arguments(Req.get(orders), Reason.TOKEN_MISSING, false, Step.EXTRACT_TOKEN),
                arguments(Req.get(orders).authorization("Basic YTpi"), Reason.TOKEN_MISSING, false, Step.EXTRACT_TOKEN),
                arguments(Req.get(orders).authorization("Bearer a", "Bearer b"), Reason.AUTHORIZATION_DUPLICATED, false,
                        Step.EXTRACT_TOKEN),
                arguments(Req.get(orders).bearer("a".repeat(2049)), Reason.TOKEN_TOO_LARGE, false, Step.EXTRACT_TOKEN),
                arguments(Req.get(orders).authorization("Bearer"), Reason.TOKEN_MALFORMED, false, Step.EXTRACT_TOKEN),
                // authenticate
                arguments(Req.get(orders).bearer("not-a-jwt"), Reason.TOKEN_MALFORMED, false, Step.AUTHENTICATE),
                arguments(Req.get(orders).bearer(hs256), Reason.ALGORITHM_REJECTED, false, Step.AUTHENTICATE),
                arguments(Req.get(orders).bearer(token("alice", List.of("readers"), b -> b.issuer("https://evil.test/"))),
                        Reason.ISSUER_UNKNOWN, false, Step.AUTHENTICATE),
                arguments(Req.get(orders).bearer(token("alice", List.of("readers"), b -> b.issuer(SLOW_ISS))),
                        Reason.ISSUER_NOT_ACCEPTED, false, Step.AUTHENTICATE),
                arguments(Req.get(orders).bearer(sign(new JWTClaimsSet.Builder().issuer(ISS).audience(AUD)
                        .subject("alice").expirationTime(at(300)), JWSAlgorithm.RS256, rsaSigner(foreign))),
                        Reason.SIGNATURE_INVALID, false, Step.AUTHENTICATE),
                arguments(Req.get(orders).bearer(token("alice", List.of("readers"), b -> b.expirationTime(at(-120)))),
                        Reason.TOKEN_EXPIRED, false, Step.AUTHENTICATE),
                arguments(Req.get(orders).bearer(token("alice", List.of("readers"), b -> b.notBeforeTime(at(120)))),
                        Reason.TOKEN_NOT_YET_VALID, false, Step.AUTHENTICATE),
                arguments(Req.get(orders).bearer(token("alice", List.of("readers"), b -> b.issueTime(at(120)))),
                        Reason.TOKEN_ISSUED_IN_FUTURE, false, Step.AUTHENTICATE),
                arguments(Req.get(orders).bearer(token("alice", List.of("readers"), b -> b.expirationTime(at(7200)))),
                        Reason.TOKEN_LIFETIME_TOO_LONG, false, Step.AUTHENTICATE),
                arguments(Req.get(orders).bearer(token("alice", List.of("readers"), b -> b.audience("api://other"))),
                        Reason.AUDIENCE_MISMATCH, false, Step.AUTHENTICATE),
                arguments(Req.get(orders).bearer(token("alice", List.of("readers"), b -> b.claim("groups", 42))),
                        Reason.CLAIMS_INVALID, false, Step.AUTHENTICATE),
                // authorize
                arguments(Req.get(orders).bearer(token("alice", "readers", "suspended")), Reason.DENY_RULE, false,
                        Step.AUTHORIZE),
                arguments(Req.get(orders).bearer(token("alice", "writers")), Reason.GROUP_DENIED, false, Step.AUTHORIZE),
                arguments(Req.get(orders).method("DELETE").bearer(token("alice", "readers")), Reason.GROUP_DENIED,
                        false, Step.AUTHORIZE),
                // membership: what the directory changed since the token was issued
                arguments(Req.get(orders).bearer(token("dora", "readers")), Reason.USER_DEACTIVATED, false,
                        Step.MEMBERSHIP),
                arguments(Req.get(orders).bearer(token("sam", "readers")), Reason.USER_SUSPENDED, false,
                        Step.MEMBERSHIP),
                arguments(Req.get(orders).bearer(token("sean", "readers")), Reason.SESSION_ENDED, false,
                        Step.MEMBERSHIP),
                arguments(Req.get(orders).bearer(token("oscar", "readers")), Reason.OPERATOR_REVOKED, false,
                        Step.MEMBERSHIP),
                arguments(Req.get(orders).bearer(token("someone", List.of("readers"), b -> b.claim("uid", "00u-rita"))),
                        Reason.MEMBERSHIP_REVOKED, false, Step.MEMBERSHIP),
                // a removal never grants: the deny rule on the group taken away still refuses
                arguments(Req.get(orders).bearer(token("fred", "readers", "suspended")), Reason.DENY_RULE, false,
                        Step.AUTHORIZE),
                // blocked sources: closing, with the block for Retry-After
                arguments(Req.get(orders).from(BLOCKED_CLIENT), Reason.SOURCE_BLOCKED, true, Step.BLOCKED_CLIENT),
                arguments(Req.get(orders).from(BLOCKED_CLIENT).failure(DecoderFailure.MALFORMED), Reason.SOURCE_BLOCKED,
                        true, Step.BLOCKED_CLIENT),
                arguments(Req.get(orders).bearer(token(BLOCKED_SUBJECT, "readers")), Reason.SOURCE_FORBIDDEN, true,
                        Step.BLOCKED_SUBJECT));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("refusals")
    void eachRefusalHasItsReasonConnectionAndStep(Req request, Reason reason, boolean close, Step step) {
        Verdict<Route> v = decide(request);

        assertThat(v).isInstanceOf(Verdict.Refuse.class);
        Verdict.Refuse<Route> r = (Verdict.Refuse<Route>) v;
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(r.close()).as("close").isEqualTo(close);
        assertThat(r.step()).isEqualTo(step);
        assertThat(r.blocked() != null).as("blocked").isEqualTo(step == Step.BLOCKED_CLIENT || step == Step.BLOCKED_SUBJECT);
        // What was learnt on the way is kept for the audit line: the route once routed, the target once normalized.
        assertThat(r.route() != null).as("route").isEqualTo(step.compareTo(Step.ROUTE) > 0);
        assertThat(r.target() != null).as("target").isEqualTo(step.compareTo(Step.NORMALIZE) > 0);
        assertThat(r.identity() != null).as("identity").isEqualTo(step.compareTo(Step.AUTHENTICATE) > 0);
    }

    /** Every reason {@code decide} may answer is in the table above; the rest belong to the handler. */
    @Test
    void theTableCoversEveryReasonTheCoreCanGive() throws JOSEException {
        Set<Reason> covered = EnumSet.noneOf(Reason.class);
        refusals().forEach(a -> covered.add((Reason) a.get()[1]));
        covered.addAll(Set.of(Reason.KEYS_UNAVAILABLE, Reason.KEY_UNKNOWN)); // after a wait: see below
        covered.addAll(Set.of(Reason.ALLOWED, Reason.PUBLIC_ROUTE, Reason.AUDIT_MODE)); // forwards: see below
        covered.add(Reason.DIRECTORY_UNAVAILABLE); // groups_source: see below
        covered.addAll(Set.of(Reason.SIGN_IN_REQUIRED, Reason.SESSION_EXPIRED, Reason.CSRF_REJECTED,
                Reason.REFRESH_UNAVAILABLE)); // login: browser: SessionDecideTest
        preflights().forEach(a -> covered.add((Reason) a.get()[2])); // CORS: see below
        Set<Reason> handlerOnly = EnumSet.of(Reason.OKTA_EVENT_HOOK, Reason.OKTA_HOOK_UNAUTHORIZED,
                Reason.OKTA_EVENT_MALFORMED, Reason.OKTA_EVENTS_BUSY, Reason.METHOD_NOT_ALLOWED, Reason.BODY_TOO_LARGE, Reason.HEADER_TIMEOUT, Reason.BODY_TIMEOUT,
                Reason.RESPONSE_WRITE_TIMEOUT, Reason.UPSTREAM_UNAVAILABLE, Reason.UPSTREAM_TIMEOUT,
                Reason.UPSTREAM_ERROR, Reason.UPSTREAM_BUSY, Reason.INTERNAL_ERROR, Reason.CLIENT_CLOSED,
                Reason.SHUTDOWN,
                // the sign-in endpoints under /.portcullis/ (server/SignInFlow, SignInExchange): SignInIT
                Reason.SIGNED_IN, Reason.SIGN_IN_DENIED, Reason.SIGN_IN_STATE_INVALID, Reason.SIGN_IN_CODE_REJECTED,
                Reason.SIGN_IN_FAILED, Reason.ID_TOKEN_INVALID, Reason.SIGN_IN_UNAVAILABLE, Reason.SIGNED_OUT,
                Reason.SIGN_OUT_PAGE,
                // a WebSocket handshake checked after an allow (server/WebSocketUpgrade): WebSocketIT
                Reason.WEBSOCKET_MALFORMED,
                // an HTTP/2 connection closed with GOAWAY, before any request (server/H2Connection): Http2AbuseIT
                Reason.HTTP2_ABUSE);
        assertThat(covered).containsAll(EnumSet.complementOf(EnumSet.copyOf(handlerOnly)));
    }

    // ---- forwards -------------------------------------------------------------------------------

    @Test
    void theOverlayNamesItsEventAndLeavesNewerTokensAlone() {
        Verdict.Refuse<Route> revoked = (Verdict.Refuse<Route>) decide(Req.get("/orders/1").bearer(
                token("dora", "readers")));
        assertThat(revoked.directoryEvent()).isEqualTo("ev-dora");
        Verdict.Refuse<Route> removed = (Verdict.Refuse<Route>) decide(Req.get("/orders/1").bearer(
                token("x", List.of("readers"), b -> b.claim("uid", "00u-rita"))));
        assertThat(removed.directoryEvent()).isEqualTo("ev-rita");
        assertThat(removed.identity().groups()).isEmpty();
        // issued after the events: trusted as issued
        for (String who : List.of("dora", "sam", "sean", "oscar", "fred")) {
            Verdict<Route> v = decide(Req.get("/orders/1").bearer(token(who, List.of("readers"),
                    b -> b.issueTime(at(-10)))));
            assertThat(v).as(who).isInstanceOf(Verdict.Forward.class);
            assertThat(((Verdict.Forward<Route>) v).directoryEvent()).isNull();
        }
        // without the overlay (the 5-argument decide), the same token is allowed
        assertThat(CORE.decide(Req.get("/orders/1").bearer(token("dora", "readers")).facts(), snapshot.routes(),
                snapshot.config().server(), snapshot.authenticator(), BLOCKS)).isInstanceOf(Verdict.Forward.class);
    }

    @Test
    void aTokenThatLostAGroupIsForwardedWithTheGroupsItHasLeft() {
        Verdict.Forward<Route> f = (Verdict.Forward<Route>) decide(Req.get("/orders/1").bearer(
                token("rick", "readers", "interns")));
        assertThat(f.reason()).isEqualTo(Reason.ALLOWED);
        assertThat(f.identity().groups()).containsExactly("readers");
        assertThat(f.wouldReason()).as("the audit-mode deny on interns no longer matches").isNull();
        assertThat(f.directoryEvent()).isEqualTo("ev-rick");
    }

    @Test
    void anAuditModeRouteForwardsAMembershipRefusalAsItsWouldBeReason() {
        Verdict.Forward<Route> f = (Verdict.Forward<Route>) decide(Req.get("/beta/1").bearer(token("bea", "beta")));
        assertThat(f.reason()).isEqualTo(Reason.AUDIT_MODE);
        assertThat(f.wouldReason()).isEqualTo(Reason.MEMBERSHIP_REVOKED);
        assertThat(f.directoryEvent()).isEqualTo("ev-bea");
    }

    @Test
    void anAllowedCallerIsForwardedWithItsIdentity() {
        Verdict<Route> v = decide(Req.get("/orders/1?x=1").bearer(token("alice", "readers")));

        Verdict.Forward<Route> f = (Verdict.Forward<Route>) v;
        assertThat(f.reason()).isEqualTo(Reason.ALLOWED);
        assertThat(f.route().id()).isEqualTo("orders");
        assertThat(f.target().toUri()).isEqualTo("/orders/1?x=1");
        assertThat(f.identity().subject()).isEqualTo("alice");
        assertThat(f.wouldReason()).isNull();
    }

    @Test
    void anAuditModeEntryGivesTheWouldBeReason() {
        Verdict.Forward<Route> f = (Verdict.Forward<Route>) decide(Req.get("/orders/1").bearer(
                token("bob", "readers", "interns")));

        assertThat(f.reason()).isEqualTo(Reason.ALLOWED);
        assertThat(f.wouldReason()).isEqualTo(Reason.DENY_RULE);
    }

    @Test
    void aPublicRouteNeedsNoToken() {
        Verdict.Forward<Route> f = (Verdict.Forward<Route>) decide(Req.get("/docs/a").expect(Expect.CONTINUE));

        assertThat(f.reason()).isEqualTo(Reason.PUBLIC_ROUTE);
        assertThat(f.route().id()).isEqualTo("docs");
        assertThat(f.identity()).isNull();
    }

    @Test
    void anAbsoluteFormTargetNamingTheHostIsJudgedByItsPath() {
        Verdict.Forward<Route> f = (Verdict.Forward<Route>) decide(Req.get("http://API.example.com:80/docs/./a"));

        assertThat(f.target().path()).isEqualTo("/docs/a");
    }

    @Test
    void anAuditModeRouteForwardsA403WithTheIdentityAndA401Without() {
        Verdict.Forward<Route> denied = (Verdict.Forward<Route>) decide(Req.get("/beta/x").bearer(
                token("alice", "readers")));
        assertThat(denied.reason()).isEqualTo(Reason.AUDIT_MODE);
        assertThat(denied.wouldReason()).isEqualTo(Reason.GROUP_DENIED);
        assertThat(denied.identity().subject()).isEqualTo("alice");

        Verdict.Forward<Route> anonymous = (Verdict.Forward<Route>) decide(Req.get("/beta/x"));
        assertThat(anonymous.reason()).isEqualTo(Reason.AUDIT_MODE);
        assertThat(anonymous.wouldReason()).isEqualTo(Reason.TOKEN_MISSING);
        assertThat(anonymous.identity()).isNull();

        Verdict.Forward<Route> forged = (Verdict.Forward<Route>) decide(Req.get("/beta/x").bearer("not-a-jwt"));
        assertThat(forged.wouldReason()).isEqualTo(Reason.TOKEN_MALFORMED);
        assertThat(forged.identity()).isNull();
    }

    @Test
    void anAuditModeRouteStillRefusesTheHeadsFaultsAndABlockedSource() {
        assertThat(((Verdict.Refuse<Route>) decide(Req.get("/beta/x?_method=PUT"))).reason())
                .isEqualTo(Reason.METHOD_OVERRIDE_REJECTED);
        assertThat(((Verdict.Refuse<Route>) decide(Req.get("/beta/x").bearer(token(BLOCKED_SUBJECT, "beta"))))
                .reason()).isEqualTo(Reason.SOURCE_FORBIDDEN);
    }

    // ---- CORS preflights ---------------------------------------------------------------------------

    private static final String APP = "https://app.example.com";

    private static CorsFacts preflight(String origin, String method, String headers) {
        return new CorsFacts(origin, method, headers, false, false);
    }

    /**
     * Answered without a token only when it is a real preflight on a route with {@code cors}; every
     * other request that carries a preflight's headers goes on to the token: they unlock nothing.
     */
    static Stream<Arguments> preflights() {
        CorsFacts put = preflight(APP, "PUT", "authorization");
        return Stream.of(
                arguments(Req.get("/spa/x").method("OPTIONS"), put, Reason.CORS_PREFLIGHT, Step.PREFLIGHT),
                arguments(Req.get("/spa/x").method("OPTIONS"), preflight(APP, "GET", null), Reason.CORS_PREFLIGHT,
                        Step.PREFLIGHT),
                arguments(Req.get("/spa/x").method("OPTIONS"), preflight("https://evil.example", "PUT", null),
                        Reason.CORS_REJECTED, Step.PREFLIGHT),
                arguments(Req.get("/spa/x").method("OPTIONS"), preflight(APP, "DELETE", null), Reason.CORS_REJECTED,
                        Step.PREFLIGHT),
                arguments(Req.get("/spa/x").method("OPTIONS"), preflight(APP, "PUT", "authorization, x-admin"),
                        Reason.CORS_REJECTED, Step.PREFLIGHT),
                arguments(Req.get("/hooks/x").method("OPTIONS"), put, Reason.CORS_PASSTHROUGH, null),
                // a preflight never unlocks anything else
                arguments(Req.get("/spa/x"), put, Reason.TOKEN_MISSING, Step.EXTRACT_TOKEN),
                arguments(Req.get("/spa/x").method("POST"), put, Reason.TOKEN_MISSING, Step.EXTRACT_TOKEN),
                arguments(Req.get("/spa/x").method("DELETE"), put, Reason.TOKEN_MISSING, Step.EXTRACT_TOKEN),
                arguments(Req.get("/hooks/x").method("DELETE"), put, Reason.TOKEN_MISSING, Step.EXTRACT_TOKEN),
                arguments(Req.get("/spa/x").method("OPTIONS"), CorsFacts.from(APP), Reason.TOKEN_MISSING,
                        Step.EXTRACT_TOKEN),
                arguments(Req.get("/spa/x").method("OPTIONS"), preflight(null, "PUT", null), Reason.TOKEN_MISSING,
                        Step.EXTRACT_TOKEN),
                arguments(Req.get("/spa/x").method("OPTIONS"), new CorsFacts(APP, "PUT", null, true, false),
                        Reason.TOKEN_MISSING, Step.EXTRACT_TOKEN),
                arguments(Req.get("/hooks/x").method("OPTIONS"), new CorsFacts(APP, "PUT", null, true, false),
                        Reason.TOKEN_MISSING, Step.EXTRACT_TOKEN),
                arguments(Req.get("/hooks/x").method("OPTIONS"), new CorsFacts(APP, "PUT", null, false, true),
                        Reason.TOKEN_MISSING, Step.EXTRACT_TOKEN),
                arguments(Req.get("/hooks/x?_method=DELETE").method("OPTIONS"), put, Reason.TOKEN_MISSING,
                        Step.EXTRACT_TOKEN),
                arguments(Req.get("/spa/x?_method=DELETE").method("OPTIONS"), put, Reason.METHOD_OVERRIDE_REJECTED,
                        Step.METHOD_OVERRIDE),
                arguments(Req.get("/orders/1").method("OPTIONS"), put, Reason.TOKEN_MISSING, Step.EXTRACT_TOKEN));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("preflights")
    void aPreflightIsAnsweredWithoutATokenAndUnlocksNothingElse(Req request, CorsFacts cors, Reason reason,
            Step step) {
        Verdict<Route> v = CORE.decide(request.facts().withCors(cors), snapshot.routes(), snapshot.config().server(),
                snapshot.authenticator(), BLOCKS);

        if (step == null) {
            Verdict.Forward<Route> f = (Verdict.Forward<Route>) v;
            assertThat(f.reason()).isEqualTo(reason);
            assertThat(f.identity()).isNull();
            return;
        }
        Verdict.Refuse<Route> r = (Verdict.Refuse<Route>) v;
        assertThat(r.reason()).isEqualTo(reason);
        assertThat(r.step()).isEqualTo(step);
        assertThat(r.identity()).isNull();
        assertThat(r.close()).isEqualTo(step == Step.METHOD_OVERRIDE);
    }

    // ---- keys -----------------------------------------------------------------------------------

    @Test
    void missingKeysAreAwaitedThenA503WhichAuditModeNeverWavesThrough() {
        RequestFacts facts = Req.get("/slow/x").bearer(token("alice", List.of("readers"), b -> b.issuer(SLOW_ISS)))
                .facts();

        Verdict<Route> v = CORE.decide(facts, snapshot.routes(), snapshot.config().server(), snapshot.authenticator(),
                BLOCKS);

        assertThat(v).isInstanceOf(Verdict.AwaitKeys.class);
        Verdict.AwaitKeys<Route> wait = (Verdict.AwaitKeys<Route>) v;
        assertThat(wait.route().id()).isEqualTo("slow");
        assertThat(wait.keys().ready()).isNotDone();
        Verdict.Refuse<Route> after = (Verdict.Refuse<Route>) CORE.resume(facts, wait, snapshot.authenticator(),
                BLOCKS);
        assertThat(after.reason()).isEqualTo(Reason.KEYS_UNAVAILABLE);
        assertThat(after.step()).isEqualTo(Step.AUTHENTICATE);
        assertThat(after.close()).isFalse();
    }

    /**
     * {@code groups_source: okta_api | both} with a directory that cannot be read: the authenticate
     * step answers 503 {@code directory_unavailable}, our outage, which audit mode never waves through.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/orders/1", "/beta/x"})
    void anUnreadableDirectoryIsA503WhichAuditModeNeverWavesThrough(String path) {
        dev.portcullis.authn.TokenAuthenticator directoryDown = (t, accepted, mayWait) -> {
            dev.portcullis.authn.AuthResult r = snapshot.authenticator().authenticate(t, accepted, mayWait);
            return r instanceof dev.portcullis.authn.AuthResult.Authenticated a
                    ? new dev.portcullis.membership.DirectoryGroupsResolver(snapshot.config().issuers().stream()
                            .map(i -> new dev.portcullis.config.IssuerConfig(i.id(), i.issuer(), i.audiences(),
                                    i.jwksUri(), i.groupsClaim(), i.emailClaim(), i.algorithms(), i.clockSkew(),
                                    i.maxTokenLifetime(), i.jwksRefreshInterval(), i.jwksMinRefetch(),
                                    dev.portcullis.config.IssuerConfig.GroupsSource.BOTH)).toList(),
                            dev.portcullis.membership.DirectoryGroups.NONE,
                            dev.portcullis.config.OktaConfig.GroupsApi.DEFAULTS).resolve(withUid(a), mayWait)
                    : r;
        };
        RequestFacts facts = Req.get(path).bearer(token("alice", "readers", "beta")).facts();

        Verdict<Route> v = CORE.decide(facts, snapshot.routes(), snapshot.config().server(), directoryDown, BLOCKS);

        Verdict.Refuse<Route> r = (Verdict.Refuse<Route>) v;
        assertThat(r.reason()).isEqualTo(Reason.DIRECTORY_UNAVAILABLE);
        assertThat(r.reason().status()).isEqualTo(503);
        assertThat(r.step()).isEqualTo(Step.AUTHENTICATE);
        assertThat(r.close()).isFalse();
    }

    /** The caller with Okta's {@code uid} (this snapshot keeps only the claims its rules name). */
    private static dev.portcullis.authn.AuthResult.Authenticated withUid(dev.portcullis.authn.AuthResult.Authenticated a) {
        dev.portcullis.vocab.Identity i = a.identity();
        return new dev.portcullis.authn.AuthResult.Authenticated(new dev.portcullis.vocab.Identity(i.issuerId(),
                i.subject(), i.groups(), i.scopes(), i.email(), i.tokenId(), i.clientId(), i.expiresAt(),
                java.util.Map.of("uid", "00ualice")));
    }

    @Test
    void anUnknownKeyIsRefetchedThenRefused() throws JOSEException {
        RSAKey other = new RSAKeyGenerator(2048).keyID("k2").generate();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k2").build(),
                new JWTClaimsSet.Builder().issuer(ISS).audience(AUD).subject("alice").expirationTime(at(300)).build());
        jwt.sign(new RSASSASigner(other));
        RequestFacts facts = Req.get("/orders/1").bearer(jwt.serialize()).facts();

        Verdict<Route> v = CORE.decide(facts, snapshot.routes(), snapshot.config().server(), snapshot.authenticator(),
                BLOCKS);
        Verdict<Route> after = v instanceof Verdict.AwaitKeys<Route> wait
                ? CORE.resume(facts, wait, snapshot.authenticator(), BLOCKS) : v;

        assertThat(((Verdict.Refuse<Route>) after).reason()).isEqualTo(Reason.KEY_UNKNOWN);
    }
}
