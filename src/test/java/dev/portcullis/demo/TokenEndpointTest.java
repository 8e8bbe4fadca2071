package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenEndpointTest {
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
    @CsvSource({
        "alice,             alice,             Everyone|orders-readers",
        "bob,               bob,               Everyone|orders-readers|orders-admins",
        "mallory,           mallory,           Everyone|orders-admins|suspended",
        "carol@example.com, carol@example.com, Everyone|engineering",
        "carol@example.com, carol,             Everyone|engineering",
    })
    void passwordGrantIssuesUserTokenWithGroups(String username, String password, String groups) throws Exception {
        HttpResponse<String> response = token("grant_type=password&username=" + username + "&password=" + password);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = TestHttp.json(response);
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asInt()).isEqualTo(300);
        assertThat(body.path("scope").asText()).isEqualTo("openid profile email");
        JWTClaimsSet claims = verify(body.path("access_token").asText());
        assertThat(claims.getStringListClaim("groups")).containsExactly(groups.split("\\|"));
        assertThat(claims.getSubject()).endsWith("@example.com").startsWith(username.replace("@example.com", ""));
        assertThat(claims.getStringClaim("cid")).isEqualTo("portcullis-demo");
    }

    @ParameterizedTest
    @CsvSource({
        "grant_type=password&username=alice&password=bob,      400, invalid_grant",
        "grant_type=password&username=alice&password=,         400, invalid_grant",
        "grant_type=password&username=eve&password=eve,        400, invalid_grant",
        "grant_type=password&username=alice,                   400, invalid_request",
        "grant_type=password&username=alice&password=alice&scope=admin, 400, invalid_scope",
        "grant_type=password&grant_type=password&username=alice&password=alice, 400, invalid_request",
        "username=alice&password=alice,                        400, invalid_request",
        "grant_type=implicit&code=x,                           400, unsupported_grant_type",
        "grant_type=authorization_code&code=x,                 401, invalid_client",
        "grant_type=refresh_token&refresh_token=x,             401, invalid_client",
        "grant_type=client_credentials&client_id=reporting-service&client_secret=wrong&scope=orders.read, 401, invalid_client",
        "grant_type=client_credentials&client_id=nobody&client_secret=nobody-secret&scope=orders.read, 401, invalid_client",
        "grant_type=client_credentials&client_id=reporting-service&scope=orders.read, 401, invalid_client",
        "grant_type=client_credentials&client_id=reporting-service&client_secret=reporting-service-secret, 400, invalid_scope",
        "grant_type=client_credentials&client_id=reporting-service&client_secret=reporting-service-secret&scope=orders.write, 400, invalid_scope",
        "grant_type=client_credentials&client_id=reporting-service&client_secret=reporting-service-secret&scope=openid, 400, invalid_scope",
    })
    void refusalsAreRfc6749Errors(String form, int status, String error) {
        HttpResponse<String> response = token(form);

        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(TestHttp.json(response).path("error").asText()).isEqualTo(error);
        assertThat(TestHttp.json(response).has("access_token")).isFalse();
    }

    @Test
    void clientCredentialsGivesScopesAndNoGroups() throws Exception {
        HttpResponse<String> response = token("grant_type=client_credentials&client_id=reporting-service"
                + "&client_secret=reporting-service-secret&scope=orders.read");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = TestHttp.json(response);
        assertThat(body.path("scope").asText()).isEqualTo("orders.read");
        JWTClaimsSet claims = verify(body.path("access_token").asText());
        assertThat(claims.getSubject()).isEqualTo("reporting-service");
        assertThat(claims.getStringClaim("cid")).isEqualTo("reporting-service");
        assertThat(claims.getStringListClaim("scp")).containsExactly("orders.read");
        assertThat(claims.getClaims()).doesNotContainKeys("groups", "uid", "email");
    }

    @Test
    void clientCredentialsAcceptsBasicAuthentication() throws Exception {
        String basic = Base64.getEncoder().encodeToString("reporting-service:reporting-service-secret"
                .getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = TestHttp.send(HttpRequest.newBuilder(URI.create(issuer.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=orders.read")));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(verify(TestHttp.json(response).path("access_token").asText()).getSubject())
                .isEqualTo("reporting-service");
    }

    @Test
    void tokenEndpointWantsPostAndForm() {
        HttpResponse<String> get = TestHttp.get(issuer.tokenEndpoint());
        assertThat(get.statusCode()).isEqualTo(405);
        assertThat(get.headers().firstValue("Allow")).hasValue("POST");

        HttpResponse<String> json = TestHttp.send(HttpRequest.newBuilder(URI.create(issuer.tokenEndpoint()))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"grant_type\":\"password\"}")));
        assertThat(json.statusCode()).isEqualTo(400);
        assertThat(TestHttp.json(json).path("error").asText()).isEqualTo("invalid_request");
    }

    @Test
    void passwordGrantServesGivenUsersWithTheirScopes() throws Exception {
        DevUsers users = DevUsers.of(java.util.List.of(UserSpec.parse("ann:finance:openid orders.read")));
        try (DevIssuer own = DevIssuer.start(0, java.time.Duration.ofMinutes(5), users)) {
            HttpResponse<String> all = TestHttp.postForm(own.tokenEndpoint(),
                    "grant_type=password&username=ann&password=ann");
            HttpResponse<String> one = TestHttp.postForm(own.tokenEndpoint(),
                    "grant_type=password&username=ann@example.com&password=ann&scope=orders.read");
            HttpResponse<String> other = TestHttp.postForm(own.tokenEndpoint(),
                    "grant_type=password&username=ann&password=ann&scope=profile");
            HttpResponse<String> demoUser = TestHttp.postForm(own.tokenEndpoint(),
                    "grant_type=password&username=alice&password=alice");

            assertThat(all.statusCode()).isEqualTo(200);
            assertThat(TestHttp.json(all).path("scope").asText()).isEqualTo("openid orders.read");
            assertThat(TestHttp.json(one).path("scope").asText()).isEqualTo("orders.read");
            JWTClaimsSet claims = DevIssuerTest.verify(TestHttp.json(one).path("access_token").asText(),
                    JWKSet.parse(TestHttp.get(own.jwksUri()).body()));
            assertThat(claims.getStringListClaim("groups")).containsExactly("finance");
            assertThat(other.statusCode()).isEqualTo(400);
            assertThat(TestHttp.json(other).path("error").asText()).isEqualTo("invalid_scope");
            assertThat(TestHttp.json(demoUser).path("error").asText()).as("the demo users are replaced")
                    .isEqualTo("invalid_grant");
        }
    }

    private static HttpResponse<String> token(String form) {
        return TestHttp.postForm(issuer.tokenEndpoint(), form);
    }

    private static JWTClaimsSet verify(String token) throws Exception {
        return DevIssuerTest.verify(token, JWKSet.parse(TestHttp.get(issuer.jwksUri()).body()));
    }
}
