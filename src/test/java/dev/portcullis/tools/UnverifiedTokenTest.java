package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.AuthResult;
import dev.portcullis.authn.Authenticator;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.authn.KeyFetcher;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.IssuerConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
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
 * The unverified reading of a token gives the identity (or the refusal) the real, verifying
 * {@link Authenticator} gives for the same correctly signed token: same groups, scopes, e-mail
 * and claims, same reasons, for each claim shape. Keys are generated here.
 */
class UnverifiedTokenTest {
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final PolicyModel MODEL = Fixtures.model();
    private static RSAKey key;
    private static ScheduledExecutorService scheduler;
    private static Authenticator authenticator;

    @BeforeAll
    static void start() throws JOSEException {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        Map<String, IssuerKeys> keys = new HashMap<>();
        for (IssuerConfig c : MODEL.config().issuers()) {
            IssuerKeys k = new IssuerKeys(c.id(), c.issuer(), URI.create("https://keys.example/" + c.id()),
                    c.jwksRefreshInterval(), c.jwksMinRefetch(), new Serving(new JWKSet(key.toPublicJWK())),
                    scheduler, CLOCK, IssuerKeys.Listener.NONE);
            k.start();
            keys.put(c.id(), k);
        }
        authenticator = new Authenticator(MODEL.config().issuers(), keys, CLOCK);
    }

    @AfterAll
    static void stop() {
        scheduler.shutdownNow();
    }

    record Serving(JWKSet keys) implements KeyFetcher {
        @Override
        public CompletableFuture<URI> discover(String issuer) {
            return CompletableFuture.failedFuture(new AssertionError("no discovery"));
        }

        @Override
        public CompletableFuture<FetchedKeys> fetchKeys(URI uri) {
            return CompletableFuture.completedFuture(new FetchedKeys(keys, OptionalLong.empty()));
        }
    }

    static JWTClaimsSet.Builder valid() {
        return new JWTClaimsSet.Builder().issuer(Fixtures.ISS).audience("api://default").subject("alice")
                .issueTime(Date.from(NOW.minusSeconds(60))).expirationTime(Date.from(NOW.plusSeconds(300)))
                .jwtID("j1").claim("cid", "client").claim("email", "alice@example.com")
                .claim("groups", List.of("readers", "admins")).claim("scp", List.of("openid", "orders.read"))
                .claim("department", "eng");
    }

    static String sign(JWSAlgorithm alg, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID("k1").build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Arguments> shapes() {
        return Stream.of(
                arguments("valid", (UnaryOperator<JWTClaimsSet.Builder>) b -> b),
                arguments("groups as one string", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("groups", "admins")),
                arguments("groups as a number", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("groups", 7)),
                arguments("a number among groups", (UnaryOperator<JWTClaimsSet.Builder>) b ->
                        b.claim("groups", List.of("a", 1))),
                arguments("no groups", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("groups", null)),
                arguments("scope string", (UnaryOperator<JWTClaimsSet.Builder>) b ->
                        b.claim("scp", null).claim("scope", "a  b a")),
                arguments("scp string", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("scp", "x y")),
                arguments("scope array", (UnaryOperator<JWTClaimsSet.Builder>) b ->
                        b.claim("scp", null).claim("scope", List.of("a"))),
                arguments("no sub", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.subject(null)),
                arguments("numeric email", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("email", 5)),
                arguments("other audience", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.audience("api://other")),
                arguments("no exp", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.expirationTime(null)),
                arguments("unknown issuer", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.issuer("https://evil/")),
                arguments("second issuer, its groups claim", (UnaryOperator<JWTClaimsSet.Builder>) b ->
                        b.issuer(Fixtures.ISS2).claim("https://acme/roles", List.of("ops"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("shapes")
    void readsClaimsAsTheAuthenticatorDoes(String name, UnaryOperator<JWTClaimsSet.Builder> change) {
        String token = sign(JWSAlgorithm.RS256, change.apply(valid()).build());

        AuthResult verified = authenticator.authenticate(token, null, false);
        Caller decoded = UnverifiedToken.decode(MODEL, token, CLOCK);

        if (verified instanceof AuthResult.Authenticated a) {
            assertThat(decoded).isInstanceOf(Caller.Claimed.class);
            assertThat(((Caller.Claimed) decoded).identity()).isEqualTo(a.identity());
        } else {
            assertThat(decoded).isInstanceOf(Caller.Refused.class);
            assertThat(((Caller.Refused) decoded).reason()).isEqualTo(((AuthResult.Refused) verified).reason());
        }
    }

    @Test
    void anAlgorithmTheIssuerDoesNotUseIsRefused() {
        String token = sign(JWSAlgorithm.RS384, valid().build());

        assertThat(((AuthResult.Refused) authenticator.authenticate(token, null, false)).reason())
                .isEqualTo(Reason.ALGORITHM_REJECTED);
        assertThat(UnverifiedToken.decode(MODEL, token, CLOCK)).isEqualTo(new Caller.Refused("okta",
                Reason.ALGORITHM_REJECTED, "alg RS384 is not among issuer 'okta' algorithms [RS256]"));
    }

    @Test
    void unsignedAndMalformedTokens() {
        String plain = new PlainJWT(valid().build()).serialize();
        assertThat(((Caller.Refused) UnverifiedToken.decode(MODEL, plain, CLOCK)).reason())
                .isEqualTo(Reason.ALGORITHM_REJECTED);
        assertThat(((Caller.Refused) UnverifiedToken.decode(MODEL, "not.a.jwt", CLOCK)).reason())
                .isEqualTo(Reason.TOKEN_MALFORMED);
    }

    @Test
    void saysTheSignatureWasNotVerifiedAndNotesWhatTheProxyWouldRefuse() {
        String expired = sign(JWSAlgorithm.RS256, valid().expirationTime(Date.from(NOW.minusSeconds(3600))).build());

        Caller.Claimed c = (Caller.Claimed) UnverifiedToken.decode(MODEL, expired, CLOCK);

        assertThat(c.notes().get(0)).contains("NOT verified");
        assertThat(c.notes()).anyMatch(n -> n.contains("token_expired"));
        assertThat(c.source()).isEqualTo("token");
        assertThat(((AuthResult.Refused) authenticator.authenticate(expired, null, false)).reason())
                .isEqualTo(Reason.TOKEN_EXPIRED);
    }

    @Test
    void aTokenOfAnIssuerTheRouteDoesNotAcceptIsRefused() {
        String token = sign(JWSAlgorithm.RS256, valid().issuer(Fixtures.ISS2).build());

        Explanation e = new PolicyEvaluator(MODEL).explain("GET", "/internal/x", UnverifiedToken.decode(MODEL, token,
                CLOCK));

        assertThat(e.reason()).isEqualTo(Reason.ISSUER_NOT_ACCEPTED);
        assertThat(((AuthResult.Refused) authenticator.authenticate(token, java.util.Set.of("okta"), false)).reason())
                .isEqualTo(Reason.ISSUER_NOT_ACCEPTED);
    }
}
