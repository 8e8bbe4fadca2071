package dev.portcullis.hardening;

import static dev.portcullis.hardening.Forgery.adminClaims;
import static dev.portcullis.hardening.Forgery.part;
import static dev.portcullis.hardening.Forgery.sign;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.hardening.ProxyUnderAttack.Answer;
import dev.portcullis.it.RawHttp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Forged and abused bearer tokens against {@code /admin/**}. Each one is refused with 401 and
 * the documented {@code reason}, and nothing reaches the upstream. Keys are generated here; the
 * only trusted keys are the real issuer's ({@code mock-oauth2-server}) and, for tokens whose
 * headers this class must control while signing correctly, a small issuer of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenTricksIT {
    private static final int MAX_TOKEN_BYTES = 4096;

    private ProxyUnderAttack p;
    /** The attacker's key server: the proxy must never ask it for anything. */
    private CountingServer attacker;
    /** A trusted issuer whose signing key this class holds. */
    private CountingServer ownIssuer;
    private RSAKey ownKey;
    private RSAKey attackerKey;
    private SelfSignedCertificate certificate;
    private String mockKid;
    private RSAKey mockPublicKey;

    @BeforeAll
    void start() throws Exception {
        attackerKey = new RSAKeyGenerator(2048).keyID("attacker").generate();
        ownKey = new RSAKeyGenerator(2048).keyID("own-1").generate();
        attacker = new CountingServer();
        attacker.serve("/jwks.json", new JWKSet(attackerKey.toPublicJWK()).toString());
        certificate = SelfSignedCertificate.generate("attacker");
        attacker.serve("/cert.pem", certificate.pem());
        ownIssuer = new CountingServer();
        String ownJwks = ownIssuer.serve("/own/keys", new JWKSet(ownKey.toPublicJWK()).toString());
        p = ProxyUnderAttack.start("max_token_bytes: " + MAX_TOKEN_BYTES, "", """
                  - id: own
                    issuer: %OWN%
                    audiences: [api://portcullis]
                    jwks_uri: %OWN_JWKS%
                """.replace("%OWN_JWKS%", ownJwks).replace("%OWN%", ownIssuer.url("/own")), "");
        mockKid = SignedJWT.parse(p.adminToken()).getHeader().getKeyID();
        HttpResponse<String> jwks = p.h.http.send(HttpRequest.newBuilder(URI.create(p.h.issuer.jwksUrl("default")
                .toString())).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
        mockPublicKey = JWKSet.parse(jwks.body()).getKeyByKeyId(mockKid).toRSAKey();
    }

    @AfterAll
    void stop() throws Exception {
        p.close();
        attacker.close();
        ownIssuer.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        p.h.upstream.clear();
    }

    /** Sends the token to the protected route and checks the refusal. */
    private void assertRefused(String authorizationValue, String reason) throws Exception {
        Answer a = p.send(p.get("/admin/x", "Authorization: " + authorizationValue));
        assertRefusedAnswer(a, reason);
    }

    private void assertRefusedAnswer(Answer a, String reason) throws Exception {
        assertThat(a.status()).as("%s", a).isEqualTo(401);
        assertThat(a.reason()).isEqualTo(reason);
        assertThat(a.header("WWW-Authenticate")).startsWith("Bearer realm=\"portcullis\"");
        p.assertNothingForwardedAndStillServing();
    }

    @Test
    void controlTheRealIssuersAndOurOwnTokensAreAccepted() throws Exception {
        for (String token : List.of(p.adminToken(), sign(new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(ownKey.getKeyID()).build(), adminClaims(ownIssuer.url("/own")), new RSASSASigner(ownKey)))) {
            Answer a = p.send(p.get("/admin/x", "Authorization: Bearer " + token));
            assertThat(a.status()).as("%s", a).isEqualTo(200);
            p.forwarded();
        }
        p.assertStillServing();
    }

    static Stream<Arguments> unsigned() {
        return Stream.of(
                Arguments.of("alg none", (Function<TokenTricksIT, String>) t ->
                        new PlainJWT(adminClaims(t.p.h.issuerUrl())).serialize(), "algorithm_rejected"),
                Arguments.of("alg none with the issuer's kid", (Function<TokenTricksIT, String>) t ->
                        part("{\"alg\":\"none\",\"kid\":\"" + t.mockKid + "\"}") + "."
                                + adminClaims(t.p.h.issuerUrl()).toPayload().toBase64URL() + ".",
                        "algorithm_rejected"),
                // Not "none", so read as a JWS: and a JWS with an empty signature is malformed.
                Arguments.of("alg NONE", (Function<TokenTricksIT, String>) t ->
                        part("{\"alg\":\"NONE\",\"kid\":\"" + t.mockKid + "\"}") + "."
                                + adminClaims(t.p.h.issuerUrl()).toPayload().toBase64URL() + ".",
                        "token_malformed"),
                Arguments.of("alg None with a real signature", (Function<TokenTricksIT, String>) t -> {
                    String[] real = t.p.adminToken().split("\\.");
                    return part("{\"alg\":\"None\",\"kid\":\"" + t.mockKid + "\"}") + "." + real[1] + "." + real[2];
                }, "algorithm_rejected"),
                Arguments.of("alg none, real token's payload and signature", (Function<TokenTricksIT, String>) t -> {
                    String[] real = t.p.adminToken().split("\\.");
                    return part("{\"alg\":\"none\"}") + "." + real[1] + "." + real[2];
                }, "token_malformed"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unsigned")
    void unsignedTokenIsRefused(String what, Function<TokenTricksIT, String> token, String reason) throws Exception {
        assertRefused("Bearer " + token.apply(this), reason);
    }

    /** The issuer's public key as an HMAC secret, in every form a confused verifier might use. */
    static Stream<Arguments> publicKeyAsHmacSecret() {
        return Stream.of(
                Arguments.of("PEM", (Function<RSAKey, byte[]>) Forgery::pem),
                Arguments.of("PEM without final newline", (Function<RSAKey, byte[]>) k -> new String(Forgery.pem(k),
                        StandardCharsets.US_ASCII).strip().getBytes(StandardCharsets.US_ASCII)),
                Arguments.of("DER", (Function<RSAKey, byte[]>) k -> Forgery.der(k)),
                Arguments.of("JWK JSON", (Function<RSAKey, byte[]>) k -> k.toPublicJWK().toJSONString()
                        .getBytes(StandardCharsets.UTF_8)),
                Arguments.of("modulus", (Function<RSAKey, byte[]>) k -> k.getModulus().decode()));
    }

    @ParameterizedTest(name = "HS256 keyed with the issuer's public key as {0}")
    @MethodSource("publicKeyAsHmacSecret")
    void hmacKeyedWithThePublicKeyIsRefused(String form, Function<RSAKey, byte[]> secret) throws Exception {
        for (JWSAlgorithm alg : List.of(JWSAlgorithm.HS256, JWSAlgorithm.HS512)) {
            byte[] key = secret.apply(mockPublicKey);
            if (key.length * 8 < 512 && alg == JWSAlgorithm.HS512) {
                continue;
            }
            String token = sign(new JWSHeader.Builder(alg).keyID(mockKid).type(JOSEObjectType.JWT).build(),
                    adminClaims(p.h.issuerUrl()), new MACSigner(key));
            assertRefused("Bearer " + token, "algorithm_rejected");
        }
    }

    /** (kid, reason): the attacker's signature under kids the proxy might look up. */
    static Stream<Arguments> foreignKids() {
        return Stream.of(
                Arguments.of("%MOCK%", "signature_invalid"),
                Arguments.of(null, "signature_invalid"),
                Arguments.of("own-1", "key_unknown"),
                Arguments.of("", "key_unknown"),
                Arguments.of("../../../../dev/null", "key_unknown"),
                Arguments.of("' OR '1'='1", "key_unknown"),
                Arguments.of("x".repeat(600), "key_unknown"));
    }

    @ParameterizedTest(name = "kid {0}")
    @MethodSource("foreignKids")
    void foreignKeyUnderAKnownOrMadeUpKidIsRefused(String kid, String reason) throws Exception {
        String k = kid == null ? null : kid.replace("%MOCK%", mockKid);
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(k).build(), adminClaims(p.h.issuerUrl()),
                new RSASSASigner(attackerKey));
        assertRefused("Bearer " + token, reason);
    }

    /** Header parameters that tell a naive verifier where to find the key: never followed, never used. */
    static Stream<Arguments> keyPointers() throws Exception {
        return Stream.of(
                Arguments.of("jku", (KeyPointer) (b, t) -> b.jwkURL(URI.create(t.attacker.url("/jwks.json")))),
                Arguments.of("x5u", (KeyPointer) (b, t) -> b.x509CertURL(URI.create(t.attacker.url("/cert.pem")))),
                Arguments.of("jwk", (KeyPointer) (b, t) -> b.jwk(t.attackerKey.toPublicJWK())),
                Arguments.of("x5c", (KeyPointer) (b, t) -> b.x509CertChain(List.of(Base64.encode(
                        t.certificate.certificate().getEncoded())))),
                Arguments.of("all four", (KeyPointer) (b, t) -> b.jwkURL(URI.create(t.attacker.url("/jwks.json")))
                        .x509CertURL(URI.create(t.attacker.url("/cert.pem"))).jwk(t.attackerKey.toPublicJWK())
                        .x509CertChain(List.of(Base64.encode(t.certificate.certificate().getEncoded())))));
    }

    /** Adds a key-pointing header parameter. */
    interface KeyPointer {
        JWSHeader.Builder add(JWSHeader.Builder b, TokenTricksIT t) throws Exception;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keyPointers")
    void keyPointingHeadersAreNeverFollowed(String what, KeyPointer pointer) throws Exception {
        int before = attacker.hits();
        for (String kid : List.of(mockKid, "attacker")) {
            JWSHeader header = pointer.add(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(kid), this).build();
            String token = sign(header, adminClaims(p.h.issuerUrl()), x5cSigner(what));
            assertRefused("Bearer " + token, kid.equals("attacker") ? "key_unknown" : "signature_invalid");
        }
        assertThat(attacker.hits() - before).as("requests to the attacker's key server").isZero();
    }

    /** The key matching the certificate (for x5c) or the attacker's JWK. */
    private JWSSigner x5cSigner(String what) throws Exception {
        return what.contains("x5c") || what.contains("all") ? new RSASSASigner(certificate.privateKey())
                : new RSASSASigner(attackerKey);
    }

    @Test
    void unknownCriticalHeaderIsRefusedEvenWhenCorrectlySigned() throws Exception {
        JWTClaimsSet claims = adminClaims(ownIssuer.url("/own"));
        for (JWSHeader header : List.of(
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ownKey.getKeyID()).criticalParams(Set.of("urn:example:must-understand"))
                        .customParam("urn:example:must-understand", true).build(),
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ownKey.getKeyID()).criticalParams(Set.of("exp"))
                        .customParam("exp", 1).build(),
                new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ownKey.getKeyID()).base64URLEncodePayload(false)
                        .criticalParams(Set.of("b64")).build())) {
            assertRefused("Bearer " + sign(header, claims, new RSASSASigner(ownKey)), "token_malformed");
        }
    }

    @Test
    void oneIssuersKeyDoesNotSignForAnother() throws Exception {
        String token = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ownKey.getKeyID()).build(),
                adminClaims(p.h.issuerUrl()), new RSASSASigner(ownKey));
        assertRefused("Bearer " + token, "key_unknown");
    }

    @Test
    void oversizedTokenIsRefusedUnparsed() throws Exception {
        assertRefused("Bearer " + "a".repeat(MAX_TOKEN_BYTES + 1), "token_too_large");
        JWTClaimsSet big = new JWTClaimsSet.Builder(adminClaims(ownIssuer.url("/own")))
                .claim("padding", "p".repeat(MAX_TOKEN_BYTES)).build();
        String signed = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(ownKey.getKeyID()).build(), big,
                new RSASSASigner(ownKey));
        assertThat(signed.length()).isGreaterThan(MAX_TOKEN_BYTES);
        assertRefused("Bearer " + signed, "token_too_large");
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("three junk parts", (Function<TokenTricksIT, String>) t -> "abc.def.ghi"),
                Arguments.of("empty objects, no signature", (Function<TokenTricksIT, String>) t -> "e30.e30."),
                Arguments.of("five parts", (Function<TokenTricksIT, String>) t -> "a.b.c.d.e"),
                Arguments.of("one part", (Function<TokenTricksIT, String>) t -> "notajwt"),
                Arguments.of("header not JSON", (Function<TokenTricksIT, String>) t ->
                        part("not json") + "." + part("{}") + ".c2ln"),
                Arguments.of("header is an array", (Function<TokenTricksIT, String>) t ->
                        part("[\"RS256\"]") + "." + part("{}") + ".c2ln"),
                Arguments.of("header without alg", (Function<TokenTricksIT, String>) t ->
                        part("{\"kid\":\"" + t.mockKid + "\"}") + "." + t.p.adminToken().split("\\.")[1] + ".c2ln"),
                Arguments.of("claims not JSON", (Function<TokenTricksIT, String>) t ->
                        t.p.adminToken().split("\\.")[0] + "." + part("][") + ".c2ln"),
                Arguments.of("characters outside base64url", (Function<TokenTricksIT, String>) t ->
                        t.p.adminToken().replaceFirst("\\.", "!.")),
                Arguments.of("space inside the token", (Function<TokenTricksIT, String>) t ->
                        t.p.adminToken().replaceFirst("\\.", ". ")),
                Arguments.of("two tokens", (Function<TokenTricksIT, String>) t ->
                        t.p.adminToken() + ", Bearer " + t.p.adminToken()),
                Arguments.of("nothing after the scheme", (Function<TokenTricksIT, String>) t -> ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedTokenIsRefused(String what, Function<TokenTricksIT, String> token) throws Exception {
        assertRefused(("Bearer " + token.apply(this)).strip(), "token_malformed");
    }

    static Stream<Arguments> severalAuthorizations() {
        return Stream.of(
                Arguments.of("the same token twice", List.of("Authorization: Bearer %T", "Authorization: Bearer %T")),
                Arguments.of("names in other cases", List.of("authorization: Bearer %T", "AUTHORIZATION: Bearer %T")),
                Arguments.of("a bearer and a basic", List.of("Authorization: Bearer %T", "Authorization: Basic YTpi")),
                Arguments.of("a forged one after a good one", List.of("Authorization: Bearer %T",
                        "Authorization: Bearer e30.e30.")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("severalAuthorizations")
    void severalAuthorizationHeadersAreRefused(String what, List<String> lines) throws Exception {
        String token = p.adminToken();
        Answer a = p.send(p.get("/admin/x", lines.stream().map(l -> l.replace("%T", token)).toArray(String[]::new)));
        assertRefusedAnswer(a, "authorization_duplicated");
        assertThat(a.header("WWW-Authenticate")).contains("error=\"invalid_request\"");
    }

    static Stream<Arguments> elsewhere() {
        return Stream.of(
                Arguments.of("query", "/admin/x?access_token=%T", List.<String>of()),
                Arguments.of("cookie", "/admin/x", List.of("Cookie: access_token=%T")),
                Arguments.of("custom header", "/admin/x", List.of("X-Access-Token: %T")),
                Arguments.of("Proxy-Authorization", "/admin/x", List.of("Proxy-Authorization: Bearer %T")),
                Arguments.of("another scheme", "/admin/x", List.of("Authorization: Token %T")));
    }

    /** Tokens are read from {@code Authorization: Bearer} only (README, Tokens). */
    @ParameterizedTest(name = "token in {0}")
    @MethodSource("elsewhere")
    void tokenAnywhereElseIsNotAToken(String where, String target, List<String> lines) throws Exception {
        String token = p.adminToken();
        Answer a = p.send(p.get(target.replace("%T", token),
                lines.stream().map(l -> l.replace("%T", token)).toArray(String[]::new)));
        assertRefusedAnswer(a, "token_missing");
    }

    /**
     * Fifty tokens with made-up kids, all at once, after the start-up fetch is older than
     * {@code jwks_min_refetch_interval} (2 s): the issuer's key set is fetched at most twice.
     */
    @Test
    void burstOfUnknownKidsCausesAtMostTwoKeyFetches() throws Exception {
        Thread.sleep(2200);
        drainIssuerRequests();

        List<String> tokens = new ArrayList<>(); // signed first, so the burst is as short as sending
        for (int i = 0; i < 50; i++) {
            tokens.add(sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(UUID.randomUUID().toString())
                    .build(), adminClaims(p.h.issuerUrl()), new RSASSASigner(attackerKey)));
        }
        List<RawHttp> clients = new ArrayList<>();
        try {
            for (String token : tokens) {
                RawHttp c = p.connect();
                clients.add(c);
                c.send(p.get("/admin/x", "Authorization: Bearer " + token));
            }
            for (RawHttp c : clients) {
                Answer a = Answer.read(c);
                assertThat(a.status()).as("%s", a).isEqualTo(401);
                assertThat(a.reason()).isEqualTo("key_unknown");
            }
        } finally {
            for (RawHttp c : clients) {
                c.close();
            }
        }
        long fetches = drainIssuerRequests().stream().filter(path -> path.endsWith("/jwks")).count();
        assertThat(fetches).as("key set fetches caused by 50 unknown kids").isBetween(1L, 2L);
        p.assertNothingForwardedAndStillServing();
    }

    /** Every request the issuer received since the last call (waits up to 300 ms for stragglers). */
    private List<String> drainIssuerRequests() {
        List<String> paths = new ArrayList<>();
        while (true) {
            RecordedRequest r;
            try {
                r = p.h.issuer.takeRequest(300, TimeUnit.MILLISECONDS);
            } catch (RuntimeException timedOut) {
                return paths; // mock-oauth2-server throws instead of returning null
            }
            paths.add(r.getPath());
        }
    }
}
