package dev.portcullis.oidc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.session.OidcClient;
import dev.portcullis.session.TokenSet;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token endpoint client against a stub issuer on loopback: what it sends, how it reads answers. */
class HttpOidcClientTest {
    private HttpServer server;
    private String base;
    private final List<Map<String, String>> forms = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private volatile int status = 200;
    private volatile String answer = "{\"access_token\":\"at\",\"token_type\":\"Bearer\",\"expires_in\":120,"
            + "\"refresh_token\":\"rt2\",\"id_token\":\"idt\"}";
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        base = "http://127.0.0.1:" + server.getAddress().getPort() + "/issuer";
        server.createContext("/issuer/.well-known/openid-configuration", x -> reply(x, 200, "{\"issuer\":\"" + base
                + "\",\"authorization_endpoint\":\"" + base + "/authorize\",\"token_endpoint\":\"" + base
                + "/token\",\"end_session_endpoint\":\"" + base + "/logout\"}"));
        server.createContext("/issuer/token", x -> {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> form = new HashMap<>();
            for (String p : body.split("&")) {
                form.put(p.substring(0, p.indexOf('=')), URLDecoder.decode(p.substring(p.indexOf('=') + 1),
                        StandardCharsets.UTF_8));
            }
            forms.add(form);
            String a = x.getRequestHeaders().getFirst("Authorization");
            authorizations.add(a == null ? "" : a);
            reply(x, status, answer);
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
        scheduler.shutdownNow();
    }

    private static void reply(HttpExchange x, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        x.getResponseBody().write(b);
        x.close();
    }

    private HttpOidcClient client(ClientAuthentication auth) throws Exception {
        OidcDiscovery d = new OidcDiscovery("okta", base, http, Duration.ofSeconds(5), scheduler, Duration.ofHours(1));
        OidcEndpoints e = d.fetch().get();
        assertThat(e.token().toString()).isEqualTo(base + "/token");
        assertThat(e.endSession().toString()).isEqualTo(base + "/logout");
        return new HttpOidcClient(Map.of("okta", new HttpOidcClient.Issuer(d, auth)), http, Duration.ofSeconds(5),
                Clock.systemUTC());
    }

    @Test
    void theCodeExchangeSendsTheVerifierWithClientSecretBasic() throws Exception {
        TokenSet t = client(ClientAuthentication.basic("web app", "s3cr:et")).exchange("okta", "the-code",
                "the-verifier", "https://gate.example/.portcullis/callback").get();
        assertThat(t.accessToken()).isEqualTo("at");
        assertThat(t.refreshToken()).isEqualTo("rt2");
        assertThat(t.idToken()).isEqualTo("idt");
        assertThat(t.expiresAtMillis()).isGreaterThan(System.currentTimeMillis() + 100_000);
        assertThat(forms.get(0)).containsEntry("grant_type", "authorization_code").containsEntry("code", "the-code")
                .containsEntry("code_verifier", "the-verifier")
                .containsEntry("redirect_uri", "https://gate.example/.portcullis/callback")
                .doesNotContainKey("client_secret");
        String basic = new String(Base64.getDecoder().decode(authorizations.get(0).substring(6)),
                StandardCharsets.UTF_8);
        assertThat(basic).isEqualTo("web+app:s3cr%3Aet"); // RFC 6749 §2.3.1: form-encoded, then Basic
        assertThat(ClientAuthentication.basic("web", "s3cr:et").toString()).doesNotContain("s3cr");
    }

    @Test
    void privateKeyJwtSignsAnAssertionForTheTokenEndpoint() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).generate();
        client(ClientAuthentication.privateKeyJwt("0oa-web", key.toPrivateKey(), Clock.systemUTC()))
                .refresh("okta", "rt1").get();
        Map<String, String> form = forms.get(0);
        assertThat(form).containsEntry("grant_type", "refresh_token").containsEntry("refresh_token", "rt1")
                .containsEntry("client_id", "0oa-web")
                .containsEntry("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
        SignedJWT a = SignedJWT.parse(form.get("client_assertion"));
        assertThat(a.verify(new RSASSAVerifier(key.toPublicJWK()))).isTrue();
        assertThat(a.getJWTClaimsSet().getAudience()).containsExactly(base + "/token");
        assertThat(a.getJWTClaimsSet().getSubject()).isEqualTo("0oa-web");
        assertThat(authorizations.get(0)).isEmpty();
    }

    @Test
    void invalidGrantOnARefreshIsRefreshRefused() throws Exception {
        HttpOidcClient c = client(ClientAuthentication.basic("web", "s"));
        status = 400;
        answer = "{\"error\":\"invalid_grant\",\"error_description\":\"The refresh token is invalid or expired.\"}";
        assertThatThrownBy(() -> c.refresh("okta", "rt-revoked").join())
                .hasCauseInstanceOf(OidcClient.RefreshRefused.class);
        answer = "{\"error\":\"invalid_grant\"}";
        assertThatThrownBy(() -> c.exchange("okta", "used", "v", "https://g/.portcullis/callback").join())
                .hasCauseInstanceOf(TokenEndpointError.class);
    }

    @Test
    void anOutageIsNotARefusal() throws Exception {
        HttpOidcClient c = client(ClientAuthentication.basic("web", "s"));
        status = 503;
        answer = "busy";
        assertThatThrownBy(() -> c.refresh("okta", "rt").join()).hasCauseInstanceOf(IOException.class);
        status = 200;
        answer = "{\"token_type\":\"Bearer\"}";
        assertThatThrownBy(() -> c.refresh("okta", "rt").join()).hasCauseInstanceOf(IOException.class);
        server.stop(0);
        assertThatThrownBy(() -> c.refresh("okta", "rt").join()).hasCauseInstanceOf(IOException.class);
        assertThatThrownBy(() -> c.refresh("nobody", "rt").join()).hasCauseInstanceOf(IOException.class);
    }

    @Test
    void aDiscoveryDocumentOfAnotherIssuerIsRefused() {
        OidcDiscovery d = new OidcDiscovery("okta", base + "x", http, Duration.ofSeconds(5), scheduler,
                Duration.ofHours(1));
        assertThatThrownBy(() -> d.parse("{\"issuer\":\"" + base + "\",\"authorization_endpoint\":\"https://a/\","
                + "\"token_endpoint\":\"https://a/t\"}")).hasMessageContaining("expected");
        assertThatThrownBy(() -> d.parse("{\"issuer\":\"" + base + "x\",\"authorization_endpoint\":\"http://evil/a\","
                + "\"token_endpoint\":\"https://a/t\"}")).hasMessageContaining("https");
        assertThat(d.endpoints()).isNull();
    }
}
