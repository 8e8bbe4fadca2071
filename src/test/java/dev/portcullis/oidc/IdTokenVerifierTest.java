package dev.portcullis.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.authn.KeyFetcher;
import dev.portcullis.config.IssuerConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
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

/** The ID token checks, one mutation of a good token per row: each must be refused. */
class IdTokenVerifierTest {
    private static final String ISS = "https://issuer.example/oauth2/default";
    private static final String CLIENT = "0oa-client";
    private static final String NONCE = "n-0S6_WzA2Mj";
    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static RSAKey key;
    private static RSAKey stranger;
    private static ScheduledExecutorService scheduler;
    private static IssuerKeys keys;
    private static final IssuerConfig ISSUER = new IssuerConfig("okta", ISS, List.of("api://default"),
            "https://issuer.example/keys", "groups", "email", List.of("RS256"), Duration.ofSeconds(30), null,
            Duration.ofHours(1), Duration.ofSeconds(10));
    private final IdTokenVerifier verifier = new IdTokenVerifier(ISSUER, CLIENT, CLOCK);

    @BeforeAll
    static void keys() throws Exception {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        stranger = new RSAKeyGenerator(2048).keyID("k1").generate();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        JWKSet published = new JWKSet(key.toPublicJWK());
        keys = new IssuerKeys("okta", ISS, URI.create("https://issuer.example/keys"), Duration.ofHours(1),
                Duration.ofSeconds(10), new KeyFetcher() {
                    @Override
                    public CompletableFuture<URI> discover(String issuer) {
                        return CompletableFuture.failedFuture(new AssertionError("no discovery"));
                    }

                    @Override
                    public CompletableFuture<FetchedKeys> fetchKeys(URI jwksUri) {
                        return CompletableFuture.completedFuture(new FetchedKeys(published, OptionalLong.empty()));
                    }
                }, scheduler, CLOCK, IssuerKeys.Listener.NONE);
        keys.start();
    }

    @AfterAll
    static void stop() {
        keys.close();
        scheduler.shutdownNow();
    }

    private static JWTClaimsSet.Builder good() {
        return new JWTClaimsSet.Builder().issuer(ISS).subject("00u-alice").audience(CLIENT).claim("nonce", NONCE)
                .issueTime(Date.from(NOW.minusSeconds(5))).expirationTime(Date.from(NOW.plusSeconds(300)));
    }

    private static String sign(JWTClaimsSet claims, RSAKey with, JWSAlgorithm alg) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(with.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    @Test
    void aGoodTokenVerifies() throws Exception {
        JWTClaimsSet c = verifier.verify(sign(good().build(), key, JWSAlgorithm.RS256), NONCE, keys).get();
        assertThat(c.getSubject()).isEqualTo("00u-alice");
        String severalWithAzp = sign(good().audience(List.of(CLIENT, "other")).claim("azp", CLIENT).build(), key,
                JWSAlgorithm.RS256);
        assertThat(verifier.verify(severalWithAzp, NONCE, keys).get().getSubject()).isEqualTo("00u-alice");
        String withinSkew = sign(good().expirationTime(Date.from(NOW.minusSeconds(20))).build(), key,
                JWSAlgorithm.RS256);
        assertThat(verifier.verify(withinSkew, NONCE, keys).get()).isNotNull();
    }

    static Stream<Arguments> mutations() {
        return Stream.of(
                Arguments.of("wrong nonce", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("nonce", "other")),
                Arguments.of("no nonce", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("nonce", null)),
                Arguments.of("nonce not a string", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("nonce", 42)),
                Arguments.of("other issuer", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.issuer(ISS + "/x")),
                Arguments.of("no issuer", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.issuer(null)),
                Arguments.of("aud another client", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.audience("other")),
                Arguments.of("aud the API, not the client",
                        (UnaryOperator<JWTClaimsSet.Builder>) b -> b.audience("api://default")),
                Arguments.of("no aud", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.audience((String) null)),
                Arguments.of("several aud without azp",
                        (UnaryOperator<JWTClaimsSet.Builder>) b -> b.audience(List.of(CLIENT, "other"))),
                Arguments.of("several aud, azp another",
                        (UnaryOperator<JWTClaimsSet.Builder>) b -> b.audience(List.of(CLIENT, "other"))
                                .claim("azp", "other")),
                Arguments.of("azp another", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.claim("azp", "other")),
                Arguments.of("expired beyond skew",
                        (UnaryOperator<JWTClaimsSet.Builder>) b -> b.expirationTime(Date.from(NOW.minusSeconds(31)))),
                Arguments.of("no exp", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.expirationTime(null)),
                Arguments.of("issued in the future",
                        (UnaryOperator<JWTClaimsSet.Builder>) b -> b.issueTime(Date.from(NOW.plusSeconds(60)))),
                Arguments.of("no iat", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.issueTime(null)),
                Arguments.of("no sub", (UnaryOperator<JWTClaimsSet.Builder>) b -> b.subject(null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mutations")
    void aMutatedTokenIsRefused(String what, UnaryOperator<JWTClaimsSet.Builder> mutate) throws Exception {
        String token = sign(mutate.apply(good()).build(), key, JWSAlgorithm.RS256);
        assertRefused(token);
    }

    @Test
    void aSignatureByAnotherKeyIsRefused() throws Exception {
        assertRefused(sign(good().build(), stranger, JWSAlgorithm.RS256));
    }

    @Test
    void anAlgorithmTheIssuerDoesNotUseIsRefused() throws Exception {
        assertRefused(sign(good().build(), key, JWSAlgorithm.RS512));
        SignedJWT hs = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("k1").build(), good().build());
        hs.sign(new MACSigner(new byte[32]));
        assertRefused(hs.serialize());
        assertRefused(new com.nimbusds.jwt.PlainJWT(good().build()).serialize());
        assertRefused("not.a.jwt");
    }

    /** Keys we cannot get are our outage (sign_in_failed), never the token's fault (id_token_invalid). */
    @Test
    void keysThatCannotBeHadAreNotAnInvalidToken() throws Exception {
        IssuerKeys none = new IssuerKeys("okta", ISS, URI.create("https://issuer.example/keys"), Duration.ofHours(1),
                Duration.ofSeconds(10), new KeyFetcher() {
                    @Override
                    public CompletableFuture<URI> discover(String issuer) {
                        return CompletableFuture.failedFuture(new java.io.IOException("down"));
                    }

                    @Override
                    public CompletableFuture<FetchedKeys> fetchKeys(URI jwksUri) {
                        return CompletableFuture.failedFuture(new java.io.IOException("down"));
                    }
                }, scheduler, CLOCK, IssuerKeys.Listener.NONE);
        none.start();
        try {
            String token = sign(good().build(), key, JWSAlgorithm.RS256);
            assertThatThrownBy(() -> verifier.verify(token, NONCE, none).join())
                    .hasRootCauseInstanceOf(java.io.IOException.class);
        } finally {
            none.close();
        }
    }

    private void assertRefused(String token) {
        assertThatThrownBy(() -> verifier.verify(token, NONCE, keys).join())
                .hasRootCauseInstanceOf(IdTokenVerifier.Invalid.class);
    }
}
