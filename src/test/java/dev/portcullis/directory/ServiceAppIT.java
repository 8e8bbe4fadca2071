package dev.portcullis.directory;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.config.OktaConfig;
import dev.portcullis.membership.DirectoryGroups;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service app ({@code private_key_jwt}, as Okta recommends) against WireMock standing in for
 * Okta's token endpoint and Users API: the client assertion is checked as Okta would (signature
 * with the registered public key, {@code iss} = {@code sub} = client id, {@code aud} = the token
 * endpoint, {@code jti}, a short {@code exp}); the access token is kept, renewed once on a 401;
 * an invalid client assertion leaves the directory {@code unauthorized}.
 */
class ServiceAppIT {
    private static final String CLIENT_ID = "0oaservice123";
    private final WireMockServer okta = new WireMockServer(options().dynamicPort());
    private final RecordingListener listener = new RecordingListener();
    private KeyPair key;
    private Directory directory;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws Exception {
        okta.start();
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        key = g.generateKeyPair();
        Path pem = dir.resolve("service-app.pem");
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        OktaConfig config = new OktaConfig(okta.baseUrl(), null, new OktaConfig.ServiceApp(CLIENT_ID, pem.toString(),
                List.of("okta.groups.read", "okta.users.read")), null);
        directory = Directory.start(config, listener, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        directory.close();
        okta.stop();
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder token(String value) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"" + value
                        + "\",\"scope\":\"okta.groups.read okta.users.read\"}");
    }

    private DirectoryGroups.Lookup lookupWhenDone(String userId) throws Exception {
        DirectoryGroups.Lookup first = directory.groups().lookup(userId);
        if (first instanceof DirectoryGroups.Pending p) {
            try {
                p.done().get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                // the lookup below says what became of it
            }
            return directory.groups().lookup(userId);
        }
        return first;
    }

    @Test
    void theClientAssertionIsOneOktaWouldAcceptAndTheAccessTokenIsKept() throws Exception {
        okta.stubFor(post(urlEqualTo("/oauth2/v1/token"))
                .withRequestBody(containing("grant_type=client_credentials"))
                .withRequestBody(containing("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type"
                        + "%3Ajwt-bearer"))
                .withRequestBody(containing("scope=okta.groups.read+okta.users.read"))
                .willReturn(token("at-1")));
        OktaStub.userGroups(okta, "00ualice", OktaStub.names("g", 1, 3));
        OktaStub.userGroups(okta, "00ubob", OktaStub.names("h", 1, 2));

        assertThat(lookupWhenDone("00ualice")).isEqualTo(new DirectoryGroups.Known(java.util.Set.of("g001", "g002",
                "g003")));
        assertThat(lookupWhenDone("00ubob")).isInstanceOf(DirectoryGroups.Known.class);

        okta.verify(1, postRequestedFor(urlEqualTo("/oauth2/v1/token"))); // kept for the second user
        okta.verify(2, getRequestedFor(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching(
                "/api/v1/users/00u(alice|bob)/groups")).withHeader("Authorization", equalTo("Bearer at-1")));
        String form = okta.findAll(postRequestedFor(urlEqualTo("/oauth2/v1/token"))).get(0).getBodyAsString();
        SignedJWT assertion = SignedJWT.parse(formValue(form, "client_assertion"));
        assertThat(assertion.verify(new RSASSAVerifier((RSAPublicKey) key.getPublic()))).isTrue();
        JWTClaimsSet c = assertion.getJWTClaimsSet();
        assertThat(c.getIssuer()).isEqualTo(CLIENT_ID);
        assertThat(c.getSubject()).isEqualTo(CLIENT_ID);
        assertThat(c.getAudience()).containsExactly(okta.baseUrl() + "/oauth2/v1/token");
        assertThat(c.getJWTID()).isNotBlank();
        assertThat(c.getExpirationTime().getTime() - System.currentTimeMillis()).isBetween(0L, 300_000L);
        assertThat(assertion.getHeader().getAlgorithm().getName()).isEqualTo("RS256");
        assertThat(directory.status()).isEqualTo("ok");
    }

    @Test
    void aForgottenUserIsReadAgainWhileOthersStayCached() throws Exception {
        okta.stubFor(post(urlEqualTo("/oauth2/v1/token")).willReturn(token("at-1")));
        OktaStub.userGroups(okta, "00ualice", List.of("orders-readers"));
        OktaStub.userGroups(okta, "00ubob", List.of("analysts"));
        lookupWhenDone("00ualice");
        lookupWhenDone("00ubob");
        OktaStub.userGroups(okta, "00ualice", List.of("orders-readers", "orders-admins"));
        OktaStub.userGroups(okta, "00ubob", List.of());

        directory.groups().forget("00ualice");

        assertThat(lookupWhenDone("00ualice")).isEqualTo(new DirectoryGroups.Known(java.util.Set.of("orders-readers",
                "orders-admins")));
        assertThat(directory.groups().lookup("00ubob")).isEqualTo(new DirectoryGroups.Known(java.util.Set.of(
                "analysts")));
        assertThat(listener.hits.get()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void anAccessTokenTheApiRefusesIsRenewedOnceWithAFreshAssertion() throws Exception {
        okta.stubFor(post(urlEqualTo("/oauth2/v1/token")).inScenario("renew").whenScenarioStateIs(Scenario.STARTED)
                .willSetStateTo("renewed").willReturn(token("at-old")));
        okta.stubFor(post(urlEqualTo("/oauth2/v1/token")).inScenario("renew").whenScenarioStateIs("renewed")
                .willReturn(token("at-new")));
        okta.stubFor(get(urlPathEqualTo("/api/v1/users/00ualice/groups")).withHeader("Authorization",
                equalTo("Bearer at-old")).willReturn(aResponse().withStatus(401)));
        okta.stubFor(get(urlPathEqualTo("/api/v1/users/00ualice/groups")).withHeader("Authorization",
                equalTo("Bearer at-new")).willReturn(OktaStub.page(List.of("orders-admins"))));

        assertThat(lookupWhenDone("00ualice")).isEqualTo(new DirectoryGroups.Known(java.util.Set.of("orders-admins")));
        List<String> jtis = okta.findAll(postRequestedFor(urlEqualTo("/oauth2/v1/token"))).stream()
                .map(r -> jti(formValue(r.getBodyAsString(), "client_assertion"))).toList();
        assertThat(jtis).hasSize(2).doesNotHaveDuplicates();
    }

    @Test
    void anInvalidClientAssertionLeavesTheDirectoryUnauthorized() throws Exception {
        okta.stubFor(post(urlEqualTo("/oauth2/v1/token")).willReturn(aResponse().withStatus(401)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"The client_assertion signature is"
                        + " invalid.\"}")));

        assertThat(lookupWhenDone("00ualice")).isEqualTo(DirectoryGroups.UNAVAILABLE);
        assertThat(directory.status()).isEqualTo("unauthorized");
        assertThat(directory.lastError()).contains("invalid_client");
        assertThat(listener.calls(DirectoryListener.Outcome.UNAUTHORIZED)).isEqualTo(1);
        okta.verify(0, getRequestedFor(urlPathEqualTo("/api/v1/users/00ualice/groups")));
    }

    private static String formValue(String form, String name) {
        Map<String, String> values = new HashMap<>();
        for (String pair : form.split("&")) {
            int eq = pair.indexOf('=');
            values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return values.get(name);
    }

    private static String jti(String jwt) {
        try {
            return SignedJWT.parse(jwt).getJWTClaimsSet().getJWTID();
        } catch (java.text.ParseException e) {
            throw new AssertionError(e);
        }
    }
}
