package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DevIssuerTest {
    private static DevIssuer issuer;

    @BeforeAll
    static void start() {
        issuer = DevIssuer.start(0);
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"openid-configuration", "oauth-authorization-server"})
    void discoveryNamesIssuerAndKeys(String document) {
        HttpResponse<String> response = TestHttp.get(issuer.issuer() + "/.well-known/" + document);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode doc = TestHttp.json(response);
        assertThat(issuer.issuer()).isEqualTo("http://127.0.0.1:" + issuer.port() + "/oauth2/default");
        assertThat(doc.path("issuer").asText()).isEqualTo(issuer.issuer());
        assertThat(doc.path("jwks_uri").asText()).isEqualTo(issuer.issuer() + "/v1/keys");
        assertThat(doc.path("token_endpoint").asText()).isEqualTo(issuer.issuer() + "/v1/token");
        assertThat(doc.path("id_token_signing_alg_values_supported").toString()).isEqualTo("[\"RS256\"]");
        assertThat(doc.path("claims_supported").toString()).contains("\"groups\"", "\"scp\"", "\"cid\"");
    }

    /** Every endpoint and URI the discovery document names is served: a client that follows one finds it. */
    @ParameterizedTest
    @ValueSource(strings = {"openid-configuration", "oauth-authorization-server"})
    void discoveryAdvertisesOnlyEndpointsThatExist(String document) {
        JsonNode doc = TestHttp.json(TestHttp.get(issuer.issuer() + "/.well-known/" + document));

        List<String> named = new java.util.ArrayList<>();
        doc.fields().forEachRemaining(f -> {
            if (f.getKey().endsWith("_endpoint") || f.getKey().endsWith("_uri")) {
                named.add(f.getKey());
                int status = TestHttp.get(f.getValue().asText()).statusCode();
                assertThat(status).as("%s %s", f.getKey(), f.getValue().asText()).isNotEqualTo(404);
            }
        });
        assertThat(named).contains("token_endpoint", "jwks_uri", "authorization_endpoint", "end_session_endpoint");
    }

    /** The directory API and the admin call are the org's, not the authorization server's: discovery keeps quiet. */
    @ParameterizedTest
    @ValueSource(strings = {"openid-configuration", "oauth-authorization-server"})
    void discoveryDoesNotNameTheOrgEndpoints(String document) {
        String doc = TestHttp.get(issuer.issuer() + "/.well-known/" + document).body();

        assertThat(doc).doesNotContain("/api/v1", "/dev/membership");
        assertThat(issuer.orgUrl() + DevIssuer.BASE_PATH).isEqualTo(issuer.issuer());
    }

    @Test
    void keysArePublicRs256SigningKeysWithCacheControl() throws Exception {
        HttpResponse<String> response = TestHttp.get(issuer.jwksUri());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("max-age=300");
        JsonNode keys = TestHttp.json(response).path("keys");
        assertThat(keys).isNotEmpty();
        for (JsonNode key : keys) {
            assertThat(key.path("kty").asText()).isEqualTo("RSA");
            assertThat(key.path("use").asText()).isEqualTo("sig");
            assertThat(key.path("alg").asText()).isEqualTo("RS256");
            assertThat(key.path("kid").asText()).isNotBlank();
            assertThat(key.has("d")).as("private exponent must not be published").isFalse();
            assertThat(key.has("p")).isFalse();
        }
    }

    @Test
    void mintedTokenVerifiesWithPublishedKeysAndLooksLikeOkta() throws Exception {
        String token = issuer.mint("bob");

        SignedJWT jwt = SignedJWT.parse(token);
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        assertThat(jwt.getHeader().getKeyID()).isEqualTo(issuer.currentKeyId());
        assertThat(jwt.getHeader().getType().getType()).isEqualTo("JWT");
        JWTClaimsSet claims = verify(token, fetchKeys());
        assertThat(claims.getIssuer()).isEqualTo(issuer.issuer());
        assertThat(claims.getAudience()).containsExactly("api://default");
        assertThat(claims.getSubject()).isEqualTo("bob@example.com");
        assertThat(claims.getStringListClaim("groups")).containsExactly("Everyone", "orders-readers", "orders-admins");
        assertThat(claims.getStringListClaim("scp")).containsExactly("openid", "profile", "email");
        assertThat(claims.getLongClaim("ver")).isEqualTo(1L);
        assertThat(claims.getStringClaim("cid")).isEqualTo("portcullis-demo");
        assertThat(claims.getStringClaim("uid")).startsWith("00u").hasSize(20);
        assertThat(claims.getStringClaim("email")).isEqualTo("bob@example.com");
        assertThat(claims.getJWTID()).isNotBlank().isNotEqualTo(SignedJWT.parse(issuer.mint("bob")).getJWTClaimsSet()
                .getJWTID());
        assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(300_000L);
        // Okta serializes aud as a string, not a one-element array.
        assertThat(jwt.getPayload().toJSONObject().get("aud")).isEqualTo("api://default");
    }

    @Test
    void everyDemoUserCanBeMintedByLoginOrEmail() throws Exception {
        for (DemoUser user : DemoUsers.USERS) {
            JWTClaimsSet claims = SignedJWT.parse(issuer.mint(user.email())).getJWTClaimsSet();
            assertThat(claims.getStringListClaim("groups")).isEqualTo(user.groups());
            assertThat(claims.getStringClaim("uid")).isEqualTo(user.uid());
        }
        assertThatThrownBy(() -> issuer.mint("eve")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("alice");
    }

    @Test
    void mintClaimsOverridesAndRemovesClaims() throws Exception {
        Map<String, Object> overrides = new HashMap<>();
        overrides.put("groups", null);
        overrides.put("exp", Instant.parse("2020-01-01T00:00:00Z"));
        overrides.put("aud", "api://other");

        JWTClaimsSet claims = SignedJWT.parse(issuer.mintClaims(overrides)).getJWTClaimsSet();

        assertThat(claims.getSubject()).isEqualTo("alice@example.com");
        assertThat(claims.getClaims()).doesNotContainKey("groups");
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
        assertThat(claims.getAudience()).containsExactly("api://other");
    }

    @Test
    void tokenSignedByUnpublishedKeyDoesNotVerify() throws Exception {
        String token = issuer.mintWithUnpublishedKey("alice");

        assertThat(issuer.publishedKeyIds()).doesNotContain(SignedJWT.parse(token).getHeader().getKeyID());
        assertThatThrownBy(() -> verify(token, fetchKeys())).isInstanceOf(BadJOSEException.class);
    }

    @Test
    void devTokenEndpointReturnsPlainToken() throws Exception {
        HttpResponse<String> response = TestHttp.get(issuer.issuer() + "/v1/dev/token?user=carol");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(v -> v.startsWith("text/plain"));
        JWTClaimsSet claims = verify(response.body().trim(), fetchKeys());
        assertThat(claims.getStringListClaim("groups")).containsExactly("Everyone", "engineering");
        assertThat(TestHttp.get(issuer.issuer() + "/v1/dev/token?user=eve").statusCode()).isEqualTo(400);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = ';', value = {
        "user=carol&groups=finance,Everyone;  carol@example.com;  finance|Everyone;  openid|profile|email",
        "user=carol&scope=orders.read+openid; carol@example.com;  Everyone|engineering; orders.read|openid",
        "user=carol&groups=;                  carol@example.com;  ;                     openid|profile|email",
        "user=dave&groups=finance;            dave@example.com;   finance;              openid|profile|email",
        "user=dave%40corp.example&groups=a%20b,c&scope=x; dave@corp.example; a b|c;  x",
        "user=CAROL&groups=x;                 carol@example.com;  x;                    openid|profile|email",
    })
    void devTokenRouteMintsAnyGroupsAndScopes(String query, String subject, String groups, String scopes)
            throws Exception {
        HttpResponse<String> response = TestHttp.get(issuer.issuer() + "/v1/dev/token?" + query);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JWTClaimsSet claims = verify(response.body().trim(), fetchKeys());
        assertThat(claims.getSubject()).isEqualTo(subject);
        assertThat(claims.getStringClaim("email")).isEqualTo(subject);
        assertThat(claims.getStringListClaim("groups"))
                .containsExactly(groups == null ? new String[0] : groups.split("\\|"));
        assertThat(claims.getStringListClaim("scp")).containsExactly(scopes.split("\\|"));
        assertThat(claims.getStringClaim("uid")).startsWith("00u").hasSize(20);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user=dave", "groups=x", "user=&groups=x", "user=carol&group=x", "user=carol&scopes=x",
        "user=carol&scope=a%22b", "user=carol&groups=a,,b", "user=carol&groups=a%0Ab", "user=bad%20name&groups=x",
        "user=a:b&groups=x", "user=carol&user=bob"})
    void devTokenRouteRefusesWhatItCannotMintExactly(String query) {
        HttpResponse<String> response = TestHttp.get(issuer.issuer() + "/v1/dev/token?" + query);

        assertThat(response.statusCode()).as(query).isEqualTo(400);
        assertThat(TestHttp.json(response).path("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void givenUsersReplaceTheDemoUsers() throws Exception {
        DevUsers users = DevUsers.of(List.of(UserSpec.parse("ann:finance,Everyone:openid orders.read"),
                UserSpec.parse("ben@corp.example")));
        try (DevIssuer own = DevIssuer.start(0, Duration.ofMinutes(5), users)) {
            JWTClaimsSet ann = SignedJWT.parse(own.mint("ann")).getJWTClaimsSet();
            assertThat(ann.getSubject()).isEqualTo("ann@example.com");
            assertThat(ann.getStringListClaim("groups")).containsExactly("finance", "Everyone");
            assertThat(ann.getStringListClaim("scp")).containsExactly("openid", "orders.read");
            JWTClaimsSet ben = SignedJWT.parse(own.mint("ben")).getJWTClaimsSet();
            assertThat(ben.getSubject()).isEqualTo("ben@corp.example");
            assertThat(ben.getStringListClaim("groups")).isEmpty();
            assertThat(ben.getStringListClaim("scp")).containsExactly("openid", "profile", "email");
            assertThatThrownBy(() -> own.mint("alice")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ann, ben");

            HttpResponse<String> dev = TestHttp.get(own.issuer() + "/v1/dev/token?user=ann");
            assertThat(verify(dev.body().trim(), JWKSet.parse(TestHttp.get(own.jwksUri()).body()))
                    .getStringListClaim("groups")).containsExactly("finance", "Everyone");
            assertThat(TestHttp.get(own.issuer() + "/v1/dev/token?user=alice").statusCode()).isEqualTo(400);
            JsonNode doc = TestHttp.json(TestHttp.get(own.issuer() + "/.well-known/openid-configuration"));
            assertThat(doc.path("scopes_supported").toString()).contains("\"orders.read\"");
        }
    }

    @Test
    void unknownPathsAre404Json() {
        for (String path : List.of("/", "/oauth2/default", "/oauth2/other/v1/keys", "/oauth2/default/v1/keys/x")) {
            HttpResponse<String> response = TestHttp.get("http://127.0.0.1:" + issuer.port() + path);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(TestHttp.json(response).path("error").asText()).isEqualTo("not_found");
        }
    }

    @Test
    void tokenLifetimeIsConfigurable() throws Exception {
        try (DevIssuer shortLived = DevIssuer.start(0, Duration.ofSeconds(30))) {
            JWTClaimsSet claims = SignedJWT.parse(shortLived.mint("alice")).getJWTClaimsSet();
            assertThat(claims.getExpirationTime().getTime() - claims.getIssueTime().getTime()).isEqualTo(30_000L);
        }
        assertThatThrownBy(() -> DevIssuer.start(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    static JWKSet fetchKeys() throws Exception {
        return JWKSet.parse(TestHttp.get(issuer.jwksUri()).body());
    }

    static JWTClaimsSet verify(String token, JWKSet keys) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(keys)));
        return processor.process(token, null);
    }
}
