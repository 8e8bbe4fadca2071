package dev.portcullis.authn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSAEncrypter;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.AuthResult.Authenticated;
import dev.portcullis.authn.AuthResult.Refused;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.IssuerConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Token checks, one mutation of a valid token per case: parse, issuer, algorithm, key,
 * signature, then claims. Keys are generated here; the key source is a fake that serves them.
 */
class AuthenticatorTest {
    private static final String ISS = "https://dev-123456.okta.com/oauth2/default";
    private static final String OTHER_ISS = "https://acme.eu.auth0.com/";
    private static final String AUD = "api://default";
    private static final Instant NOW = Instant.parse("2030-01-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static RSAKey rsa;
    private static RSAKey foreignRsa;
    private static RSAKey otherIssuerRsa;
    private static ECKey ec;

    private ScheduledExecutorService scheduler;
    private Authenticator auth;

    @BeforeAll
    static void generateKeys() throws JOSEException {
        rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
        foreignRsa = new RSAKeyGenerator(2048).keyID("k1").generate();
        otherIssuerRsa = new RSAKeyGenerator(2048).keyID("a1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
    }

    @BeforeEach
    void start() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        auth = authenticator(List.of(
                issuer("okta", ISS, List.of("RS256"), Duration.ofHours(1)),
                issuer("auth0", OTHER_ISS, List.of("RS256"), null)),
                Map.of("okta", publish(rsa), "auth0", publish(otherIssuerRsa)));
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    // ---- the token builder ------------------------------------------------------------------

    /** A valid token for the okta issuer; each case changes one thing before {@link #sign()}. */
    static final class Mint {
        JWSAlgorithm alg = JWSAlgorithm.RS256;
        String kid = "k1";
        JWSSigner signer;
        final JWSHeader.Builder header = new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT);
        final JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISS)
                .audience(AUD)
                .subject("alice@example.com")
                .issueTime(at(-60))
                .notBeforeTime(at(-60))
                .expirationTime(at(300))
                .jwtID("jti-1")
                .claim("cid", "client-1")
                .claim("uid", "00u1")
                .claim("email", "alice@example.com")
                .claim("groups", List.of("orders-readers", "orders-admins"))
                .claim("scp", List.of("openid", "orders.read"));

        Mint() {
            signer = rsaSigner(rsa);
        }

        Mint alg(JWSAlgorithm a) {
            alg = a;
            return this;
        }

        Mint signedWith(JWSSigner s) {
            signer = s;
            return this;
        }

        Mint claim(String name, Object value) {
            claims.claim(name, value);
            return this;
        }

        String sign() {
            // alg and kid are set last, so a case can change them after touching the header
            JWSHeader extra = header.build();
            JWSHeader h = new JWSHeader.Builder(alg).type(extra.getType()).keyID(kid)
                    .customParams(extra.getCustomParams())
                    .criticalParams(extra.getCriticalParams())
                    .jwk(extra.getJWK())
                    .build();
            SignedJWT jwt = new SignedJWT(h, claims.build());
            try {
                jwt.sign(signer);
            } catch (JOSEException e) {
                throw new IllegalStateException(e);
            }
            return jwt.serialize();
        }
    }

    static Date at(long secondsFromNow) {
        return Date.from(NOW.plusSeconds(secondsFromNow));
    }

    static JWSSigner rsaSigner(RSAKey key) {
        try {
            return new RSASSASigner(key);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- wiring -----------------------------------------------------------------------------

    static IssuerConfig issuer(String id, String iss, List<String> algorithms, Duration maxLifetime) {
        return new IssuerConfig(id, iss, List.of(AUD, "api://second"), "https://keys.example/" + id, "groups",
                "email", algorithms, Duration.ofSeconds(30), maxLifetime, Duration.ofHours(1),
                Duration.ofSeconds(10));
    }

    static JWKSet publish(JWK... keys) {
        return new JWKSet(Arrays.stream(keys).map(JWK::toPublicJWK).toList());
    }

    /** A key source that answers at once with a fixed key set. */
    record ServingFetcher(JWKSet keys) implements KeyFetcher {
        @Override
        public CompletableFuture<URI> discover(String issuer) {
            return CompletableFuture.failedFuture(new AssertionError("no discovery expected"));
        }

        @Override
        public CompletableFuture<FetchedKeys> fetchKeys(URI jwksUri) {
            return CompletableFuture.completedFuture(new FetchedKeys(keys, OptionalLong.empty()));
        }
    }

    /** The JCA provider the signatures are checked with: the JDK's here, AWS-LC in {@link AuthenticatorAccpTest}. */
    java.security.Provider provider() {
        return null;
    }

    private Authenticator authenticator(List<IssuerConfig> issuers, Map<String, JWKSet> keys) {
        Map<String, IssuerKeys> byId = new java.util.HashMap<>();
        for (IssuerConfig c : issuers) {
            IssuerKeys k = new IssuerKeys(c.id(), c.issuer(), URI.create(c.jwksUri()), c.jwksRefreshInterval(),
                    c.jwksMinRefetch(), new ServingFetcher(keys.get(c.id())), scheduler, CLOCK,
                    IssuerKeys.Listener.NONE, provider());
            k.start();
            assertThat(k.isLoaded()).as("keys of %s loaded", c.id()).isTrue();
            byId.put(c.id(), k);
        }
        return new Authenticator(issuers, byId, CLOCK);
    }

    private static Reason reasonOf(AuthResult r) {
        if (r instanceof Refused refused) {
            return refused.reason();
        }
        assertThat(r).isInstanceOf(Authenticated.class);
        return null;
    }

    // ---- cases ------------------------------------------------------------------------------

    @Test
    void aValidTokenYieldsTheCallersIdentity() {
        String token = new Mint().sign();

        AuthResult r = auth.authenticate(token, null, false);

        assertThat(r).isInstanceOf(Authenticated.class);
        Identity who = ((Authenticated) r).identity();
        assertThat(who.issuerId()).isEqualTo("okta");
        assertThat(who.subject()).isEqualTo("alice@example.com");
        assertThat(who.groups()).containsExactlyInAnyOrder("orders-readers", "orders-admins");
        assertThat(who.scopes()).containsExactlyInAnyOrder("openid", "orders.read");
        assertThat(who.email()).isEqualTo("alice@example.com");
        assertThat(who.tokenId()).isEqualTo("jti-1");
        assertThat(who.clientId()).isEqualTo("client-1");
        assertThat(who.expiresAt()).isEqualTo(NOW.getEpochSecond() + 300);
        assertThat(who.claims()).containsEntry("uid", "00u1")
                .containsEntry("exp", NOW.getEpochSecond() + 300)
                .containsEntry("iss", ISS);
        assertThat(who.claimValues("aud")).containsExactly(AUD);
    }

    @Test
    void theRouteMayNameTheIssuersItAccepts() {
        String token = new Mint().sign();

        assertThat(reasonOf(auth.authenticate(token, Set.of("okta"), false))).isNull();
        assertThat(reasonOf(auth.authenticate(token, Set.of("okta", "auth0"), false))).isNull();
        assertThat(reasonOf(auth.authenticate(token, Set.of("auth0"), false))).isEqualTo(Reason.ISSUER_NOT_ACCEPTED);
        assertThat(reasonOf(auth.authenticate(token, Set.of(), false))).isEqualTo(Reason.ISSUER_NOT_ACCEPTED);
    }

    static Stream<Arguments> identities() {
        return Stream.of(
                arguments("groups as one string", (Consumer<Mint>) m -> m.claim("groups", "orders-readers"),
                        (Consumer<Identity>) who -> assertThat(who.groups()).containsExactly("orders-readers")),
                arguments("groups as one string with a space is one group",
                        (Consumer<Mint>) m -> m.claim("groups", "orders readers"),
                        (Consumer<Identity>) who -> assertThat(who.groups()).containsExactly("orders readers")),
                arguments("no groups (client credentials)", (Consumer<Mint>) m -> m.claim("groups", null),
                        (Consumer<Identity>) who -> assertThat(who.groups()).isEmpty()),
                arguments("repeated group", (Consumer<Mint>) m -> m.claim("groups", List.of("a", "a")),
                        (Consumer<Identity>) who -> assertThat(who.groups()).containsExactly("a")),
                arguments("scp as a space-separated string", (Consumer<Mint>) m -> m.claim("scp", "openid orders.read"),
                        (Consumer<Identity>) who -> assertThat(who.scopes()).containsExactlyInAnyOrder("openid",
                                "orders.read")),
                arguments("scp string with a repeated scope",
                        (Consumer<Mint>) m -> m.claim("scp", "orders.read orders.read"),
                        (Consumer<Identity>) who -> assertThat(who.scopes()).containsExactly("orders.read")),
                arguments("scp string with runs of spaces", (Consumer<Mint>) m -> m.claim("scp", " a   b "),
                        (Consumer<Identity>) who -> assertThat(who.scopes()).containsExactlyInAnyOrder("a", "b")),
                arguments("scope (RFC 9068) when there is no scp",
                        (Consumer<Mint>) m -> m.claim("scp", null).claim("scope", "a  b"),
                        (Consumer<Identity>) who -> assertThat(who.scopes()).containsExactlyInAnyOrder("a", "b")),
                arguments("scp wins over scope", (Consumer<Mint>) m -> m.claim("scope", "other"),
                        (Consumer<Identity>) who -> assertThat(who.scopes()).containsExactlyInAnyOrder("openid",
                                "orders.read")),
                arguments("no scopes", (Consumer<Mint>) m -> m.claim("scp", null),
                        (Consumer<Identity>) who -> assertThat(who.scopes()).isEmpty()),
                arguments("client_id when there is no cid",
                        (Consumer<Mint>) m -> m.claim("cid", null).claim("client_id", "client-2"),
                        (Consumer<Identity>) who -> assertThat(who.clientId()).isEqualTo("client-2")),
                arguments("no email, jti or client", (Consumer<Mint>) m -> m.claim("email", null).claim("jti", null)
                                .claim("cid", null),
                        (Consumer<Identity>) who -> {
                            assertThat(who.email()).isNull();
                            assertThat(who.tokenId()).isNull();
                            assertThat(who.clientId()).isNull();
                        }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("identities")
    void readsTheIdentityFromTheClaims(String name, Consumer<Mint> mutation, Consumer<Identity> check) {
        Mint m = new Mint();
        mutation.accept(m);

        AuthResult r = auth.authenticate(m.sign(), null, false);

        assertThat(r).isInstanceOf(Authenticated.class);
        check.accept(((Authenticated) r).identity());
    }

    private static Arguments refused(String name, Consumer<Mint> mutation, Reason reason) {
        return arguments(name, mutation, reason);
    }

    static Stream<Arguments> claimChecks() {
        return Stream.of(
                refused("valid", m -> { }, null),
                refused("exp missing", m -> m.claim("exp", null), Reason.CLAIMS_INVALID),
                refused("exp passed, beyond the skew", m -> m.claim("exp", at(-31)), Reason.TOKEN_EXPIRED),
                refused("exp passed an hour ago", m -> m.claim("exp", at(-3600)).claim("iat", at(-3700)),
                        Reason.TOKEN_EXPIRED),
                refused("exp passed, within the skew", m -> m.claim("exp", at(-30)), null),
                refused("exp passed a second ago", m -> m.claim("exp", at(-1)), null),
                refused("nbf in the future, beyond the skew", m -> m.claim("nbf", at(31)), Reason.TOKEN_NOT_YET_VALID),
                refused("nbf in the future, within the skew", m -> m.claim("nbf", at(30)), null),
                refused("nbf missing", m -> m.claim("nbf", null), null),
                refused("iat in the future, beyond the skew", m -> m.claim("iat", at(31)),
                        Reason.TOKEN_ISSUED_IN_FUTURE),
                refused("iat in the future, within the skew", m -> m.claim("iat", at(30)), null),
                refused("lifetime exactly the maximum", m -> m.claim("iat", at(-60)).claim("exp", at(3540)), null),
                refused("lifetime a second too long", m -> m.claim("iat", at(-60)).claim("exp", at(3541)),
                        Reason.TOKEN_LIFETIME_TOO_LONG),
                refused("lifetime of a day", m -> m.claim("exp", at(86_400)), Reason.TOKEN_LIFETIME_TOO_LONG),
                refused("iat missing with a maximum lifetime", m -> m.claim("iat", null),
                        Reason.TOKEN_LIFETIME_TOO_LONG),
                refused("aud as a string", m -> m.claim("aud", AUD), null),
                refused("aud as an array holding ours", m -> m.claim("aud", List.of("api://other", AUD)), null),
                refused("aud the second accepted one", m -> m.claim("aud", "api://second"), null),
                refused("aud of another API", m -> m.claim("aud", "api://other"), Reason.AUDIENCE_MISMATCH),
                refused("aud array of other APIs", m -> m.claim("aud", List.of("api://a", "api://b")),
                        Reason.AUDIENCE_MISMATCH),
                refused("aud in other case", m -> m.claim("aud", "API://DEFAULT"), Reason.AUDIENCE_MISMATCH),
                refused("aud with a trailing slash", m -> m.claim("aud", AUD + "/"), Reason.AUDIENCE_MISMATCH),
                refused("aud missing", m -> m.claim("aud", null), Reason.AUDIENCE_MISMATCH),
                refused("aud empty", m -> m.claim("aud", List.of()), Reason.AUDIENCE_MISMATCH),
                refused("sub missing", m -> m.claim("sub", null), Reason.CLAIMS_INVALID),
                refused("sub empty", m -> m.claim("sub", ""), Reason.CLAIMS_INVALID),
                refused("groups a number", m -> m.claim("groups", 5), Reason.CLAIMS_INVALID),
                refused("groups an array of numbers", m -> m.claim("groups", List.of(1, 2)), Reason.CLAIMS_INVALID),
                refused("groups an array with a number", m -> m.claim("groups", List.of("a", 2)),
                        Reason.CLAIMS_INVALID),
                refused("groups an array with null", m -> m.claim("groups", Arrays.asList("a", null)),
                        Reason.CLAIMS_INVALID),
                refused("groups an object", m -> m.claim("groups", Map.of("a", "b")), Reason.CLAIMS_INVALID),
                refused("groups a boolean", m -> m.claim("groups", true), Reason.CLAIMS_INVALID),
                refused("scp a number", m -> m.claim("scp", 7), Reason.CLAIMS_INVALID),
                refused("scp an array with a number", m -> m.claim("scp", List.of("a", 7)), Reason.CLAIMS_INVALID),
                refused("scope a number", m -> m.claim("scp", null).claim("scope", 7), Reason.CLAIMS_INVALID),
                refused("email a number", m -> m.claim("email", 7), Reason.CLAIMS_INVALID),
                refused("cid an array", m -> m.claim("cid", List.of("a")), Reason.CLAIMS_INVALID),
                refused("iss not a string", m -> m.claim("iss", 42), Reason.TOKEN_MALFORMED),
                refused("exp not a number", m -> m.claim("exp", "tomorrow"), Reason.TOKEN_MALFORMED),
                refused("aud a number", m -> m.claim("aud", 42), Reason.AUDIENCE_MISMATCH));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("claimChecks")
    void checksTheClaims(String name, Consumer<Mint> mutation, Reason reason) {
        Mint m = new Mint();
        mutation.accept(m);

        assertThat(reasonOf(auth.authenticate(m.sign(), null, false))).isEqualTo(reason);
    }

    @Test
    void withoutAMaximumLifetimeIatMayBeMissing() {
        Mint m = new Mint().claim("iss", OTHER_ISS).claim("iat", null).claim("exp", at(86_400));
        m.kid = "a1";
        m.signer = rsaSigner(otherIssuerRsa);

        assertThat(reasonOf(auth.authenticate(m.sign(), null, false))).isNull();
    }

    static Stream<Arguments> signatureChecks() throws JOSEException {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("k1").generate();
        return Stream.of(
                refused("RS384 when only RS256 is allowed", m -> m.alg(JWSAlgorithm.RS384),
                        Reason.ALGORITHM_REJECTED),
                refused("PS256 when only RS256 is allowed", m -> m.alg(JWSAlgorithm.PS256),
                        Reason.ALGORITHM_REJECTED),
                refused("HS256 keyed with the RSA public key's bytes", m -> {
                    try {
                        m.alg(JWSAlgorithm.HS256).signedWith(new MACSigner(rsa.toRSAPublicKey().getEncoded()));
                    } catch (JOSEException e) {
                        throw new IllegalStateException(e);
                    }
                }, Reason.ALGORITHM_REJECTED),
                refused("HS256 keyed with the JWK's modulus", m -> {
                    try {
                        m.alg(JWSAlgorithm.HS256).signedWith(new MACSigner(rsa.getModulus().decode()));
                    } catch (JOSEException e) {
                        throw new IllegalStateException(e);
                    }
                }, Reason.ALGORITHM_REJECTED),
                refused("ES256 when only RS256 is allowed", m -> {
                    try {
                        m.alg(JWSAlgorithm.ES256).signedWith(new ECDSASigner(ec));
                    } catch (JOSEException e) {
                        throw new IllegalStateException(e);
                    }
                }, Reason.ALGORITHM_REJECTED),
                refused("a foreign key under a known kid", m -> m.signedWith(rsaSigner(foreignRsa)),
                        Reason.SIGNATURE_INVALID),
                refused("the attacker's key embedded in the header (jwk) is not used", m -> {
                    m.header.jwk(attacker.toPublicJWK());
                    m.signedWith(rsaSigner(attacker));
                }, Reason.SIGNATURE_INVALID),
                refused("the other issuer's iss on a token signed with ours", m -> {
                    m.claim("iss", OTHER_ISS);
                    m.kid = "a1";
                }, Reason.SIGNATURE_INVALID),
                refused("unknown kid", m -> m.kid = "k2", Reason.KEY_UNKNOWN),
                refused("no kid, and the issuer has only one key", m -> m.kid = null, null),
                refused("crit header", m -> m.header.criticalParams(Set.of("urn:example:ext"))
                        .customParam("urn:example:ext", true), Reason.TOKEN_MALFORMED),
                refused("crit header naming a registered claim", m -> m.header.criticalParams(Set.of("exp")),
                        Reason.TOKEN_MALFORMED),
                refused("unknown issuer", m -> m.claim("iss", "https://evil.example/oauth2/default"),
                        Reason.ISSUER_UNKNOWN),
                refused("issuer with a trailing slash", m -> m.claim("iss", ISS + "/"), Reason.ISSUER_UNKNOWN),
                refused("issuer in other case", m -> m.claim("iss", ISS.toUpperCase(java.util.Locale.ROOT)),
                        Reason.ISSUER_UNKNOWN),
                refused("iss missing", m -> m.claim("iss", null), Reason.ISSUER_UNKNOWN));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("signatureChecks")
    void checksAlgorithmKeyAndSignature(String name, Consumer<Mint> mutation, Reason reason) {
        Mint m = new Mint();
        mutation.accept(m);

        assertThat(reasonOf(auth.authenticate(m.sign(), null, false))).isEqualTo(reason);
    }

    @Test
    void algNoneIsRejected() {
        String token = new PlainJWT(new Mint().claims.build()).serialize();

        assertThat(reasonOf(auth.authenticate(token, null, false))).isEqualTo(Reason.ALGORITHM_REJECTED);
    }

    @Test
    void algNoneWithASignatureIsMalformed() {
        String signed = new Mint().sign();
        String none = Base64URL.encode("{\"alg\":\"none\"}") + "." + signed.split("\\.")[1] + "."
                + signed.split("\\.")[2];

        assertThat(reasonOf(auth.authenticate(none, null, false))).isEqualTo(Reason.TOKEN_MALFORMED);
    }

    @Test
    void aTamperedPayloadFailsTheSignature() {
        String[] parts = new Mint().sign().split("\\.");
        String admin = new Mint().claim("groups", List.of("orders-admins", "root")).sign().split("\\.")[1];

        assertThat(reasonOf(auth.authenticate(parts[0] + "." + admin + "." + parts[2], null, false)))
                .isEqualTo(Reason.SIGNATURE_INVALID);
    }

    static Stream<Arguments> malformed() throws JOSEException {
        String valid = new Mint().sign();
        String[] p = valid.split("\\.");
        EncryptedJWT jwe = new EncryptedJWT(new JWEHeader(JWEAlgorithm.RSA_OAEP_256, EncryptionMethod.A128GCM),
                new Mint().claims.build());
        jwe.encrypt(new RSAEncrypter(rsa.toRSAPublicKey()));
        return Stream.of(
                arguments("garbage", "garbage"),
                arguments("empty", ""),
                arguments("two parts", p[0] + "." + p[1]),
                arguments("four parts", valid + ".x"),
                arguments("dots only", ".."),
                arguments("header not base64url JSON", "bm90LWpzb24." + p[1] + "." + p[2]),
                arguments("payload not JSON", p[0] + "." + Base64URL.encode("not json") + "." + p[2]),
                arguments("payload a JSON array", p[0] + "." + Base64URL.encode("[1,2]") + "." + p[2]),
                arguments("encrypted (JWE)", jwe.serialize()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedTokensAreRefused(String name, String token) {
        assertThat(reasonOf(auth.authenticate(token, null, false))).isEqualTo(Reason.TOKEN_MALFORMED);
    }

    @Test
    void es256IsAcceptedWhenConfiguredWithAnEcKey() throws JOSEException {
        Authenticator ecAuth = authenticator(List.of(issuer("okta", ISS, List.of("ES256"), null)),
                Map.of("okta", publish(ec)));
        Mint m = new Mint().alg(JWSAlgorithm.ES256).signedWith(new ECDSASigner(ec));
        m.kid = "e1";

        assertThat(reasonOf(ecAuth.authenticate(m.sign(), null, false))).isNull();
        assertThat(reasonOf(ecAuth.authenticate(new Mint().sign(), null, false)))
                .as("RS256 where only ES256 is allowed").isEqualTo(Reason.ALGORITHM_REJECTED);
        ECKey otherEc = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
        Mint forged = new Mint().alg(JWSAlgorithm.ES256).signedWith(new ECDSASigner(otherEc));
        forged.kid = "e1";
        assertThat(reasonOf(ecAuth.authenticate(forged.sign(), null, false))).isEqualTo(Reason.SIGNATURE_INVALID);
    }

    @Test
    void aKeyIsUsedOnlyWithItsOwnAlgorithmAndType() throws JOSEException {
        RSAKey pinned = new RSAKey.Builder(rsa).algorithm(JWSAlgorithm.RS256).keyUse(KeyUse.SIGNATURE).build();
        Authenticator both = authenticator(List.of(issuer("okta", ISS, List.of("RS256", "RS384", "ES256"), null)),
                Map.of("okta", publish(pinned, ec)));

        assertThat(reasonOf(both.authenticate(new Mint().sign(), null, false))).isNull();
        assertThat(reasonOf(both.authenticate(new Mint().alg(JWSAlgorithm.RS384).sign(), null, false)))
                .as("RS384 with a key published for RS256").isEqualTo(Reason.ALGORITHM_REJECTED);
        Mint ecUnderRsaKid = new Mint().alg(JWSAlgorithm.ES256).signedWith(new ECDSASigner(ec));
        assertThat(reasonOf(both.authenticate(ecUnderRsaKid.sign(), null, false)))
                .as("ES256 under the kid of an RSA key").isEqualTo(Reason.ALGORITHM_REJECTED);
        Mint noKid = new Mint();
        noKid.kid = null;
        assertThat(reasonOf(both.authenticate(noKid.sign(), null, false)))
                .as("no kid when the issuer has two keys").isEqualTo(Reason.KEY_UNKNOWN);
    }

    @Test
    void anRsaKeyWithoutAPinnedAlgorithmCannotVerifyAnEcSignature() throws JOSEException {
        Authenticator both = authenticator(List.of(issuer("okta", ISS, List.of("RS256", "ES256"), null)),
                Map.of("okta", publish(rsa, ec)));
        Mint ecUnderRsaKid = new Mint().alg(JWSAlgorithm.ES256).signedWith(new ECDSASigner(ec));

        assertThat(reasonOf(both.authenticate(ecUnderRsaKid.sign(), null, false))).isEqualTo(Reason.SIGNATURE_INVALID);
    }

    @Test
    void keysPublishedForEncryptionOrWithPrivatePartsAreNotUsed() {
        RSAKey encryption = new RSAKey.Builder(rsa.toPublicJWK()).keyUse(KeyUse.ENCRYPTION).keyID("enc").build();
        RSAKey leaked = new RSAKey.Builder(foreignRsa).keyID("leaked").build();
        List<JWK> keys = new ArrayList<>(List.of(rsa.toPublicJWK(), encryption, leaked));
        IssuerKeys k = new IssuerKeys("okta", ISS, URI.create("https://keys.example/okta"), Duration.ofHours(1),
                Duration.ofSeconds(10), new ServingFetcher(new JWKSet(keys)), scheduler, CLOCK,
                IssuerKeys.Listener.NONE);
        k.start();

        assertThat(k.keyCount()).isEqualTo(1);
        assertThat(k.find("k1")).isNotNull();
        assertThat(k.find("enc")).isNull();
        assertThat(k.find("leaked")).isNull();
        assertThat(k.find(null)).as("the only key serves a token without kid").isSameAs(k.find("k1"));
    }
}
