package dev.portcullis.browser;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpServer;
import dev.portcullis.demo.BrowserClient;
import dev.portcullis.demo.CodeFlow;
import dev.portcullis.demo.DevIssuer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * The dev issuer's sign-in page in a real browser (headless Chromium, {@link Chromium}): the
 * browser opens the authorization endpoint with a PKCE challenge and a loopback redirect URI served
 * by a tiny test server, sees the user picker, clicks a user and lands on the redirect URI with a
 * code and the state. The test then redeems the code with the verifier and checks the ID token, the
 * refresh rotation and reuse detection over HTTP.
 */
class DevIssuerBrowserIT {
    private static final String SECRET = "browser-it-secret";
    private DevIssuer issuer;
    private HttpServer callback;
    private final List<String> received = new CopyOnWriteArrayList<>();
    private String redirectUri;

    @BeforeEach
    void start() throws Exception {
        issuer = DevIssuer.start(0);
        callback = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
        callback.createContext("/.portcullis/callback", exchange -> {
            received.add(exchange.getRequestURI().getRawQuery());
            byte[] body = "<!doctype html><title>callback</title><p id=\"callback\">callback received</p>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        callback.start();
        redirectUri = "http://127.0.0.1:" + callback.getAddress().getPort() + "/.portcullis/callback";
        issuer.registerClient(new BrowserClient(DevIssuer.CLIENT_ID, SECRET, List.of(URI.create(redirectUri)),
                List.of()));
    }

    @AfterEach
    void stop() {
        callback.stop(0);
        issuer.close();
    }

    @Test
    void aPersonPicksAUserAndTheClientGetsACodeThatRedeemsOnce() throws Exception {
        CodeFlow flow = new CodeFlow(issuer, DevIssuer.CLIENT_ID, SECRET, redirectUri);
        String code;
        try (Chromium chromium = Chromium.start()) {
            chromium.open(flow.authorizeUrl());
            chromium.await(d -> d.findElement(By.id("user-carol")));
            assertThat(chromium.driver().getTitle()).contains("Sign in");
            assertThat(chromium.pageSource()).contains("alice@example.com", "engineering", "orders-admins");
            chromium.screenshot("dev-issuer-sign-in");

            chromium.driver().findElement(By.id("user-carol")).click();
            chromium.await(d -> d.getCurrentUrl().startsWith(redirectUri + "?"));
            chromium.await(d -> d.findElement(By.id("callback")));
            Map<String, String> back = CodeFlow.query(chromium.currentUrl());
            assertThat(back).containsEntry("state", flow.state).doesNotContainKey("error");
            code = back.get("code");
            assertThat(code).isNotBlank();
        }
        assertThat(received).hasSize(1);
        assertThat(received.get(0)).contains("code=", "state=" + flow.state);

        HttpResponse<String> tokens = flow.redeem(code);
        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        JsonNode body = CodeFlow.json(tokens);
        JWTClaimsSet id = verified(body.path("id_token").asText());
        assertThat(id.getAudience()).containsExactly(DevIssuer.CLIENT_ID);
        assertThat(id.getStringClaim("nonce")).isEqualTo(flow.nonce);
        assertThat(id.getSubject()).isEqualTo("carol@example.com");
        assertThat(verified(body.path("access_token").asText()).getStringListClaim("groups"))
                .containsExactly("Everyone", "engineering");
        assertThat(CodeFlow.json(flow.redeem(code)).path("error").asText()).as("a replayed code").isEqualTo("invalid_grant");

        String first = body.path("refresh_token").asText();
        JsonNode refreshed = CodeFlow.json(flow.refresh(first));
        String second = refreshed.path("refresh_token").asText();
        assertThat(second).isNotBlank().isNotEqualTo(first);
        assertThat(verified(refreshed.path("access_token").asText()).getSubject()).isEqualTo("carol@example.com");
        HttpResponse<String> reuse = flow.refresh(first);
        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(CodeFlow.json(reuse).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(CodeFlow.json(flow.refresh(second)).path("error").asText())
                .as("reuse revoked the whole family").isEqualTo("invalid_grant");
    }

    @Test
    void cancelReturnsAccessDeniedWithTheState() {
        CodeFlow flow = new CodeFlow(issuer, DevIssuer.CLIENT_ID, SECRET, redirectUri);
        try (Chromium chromium = Chromium.start()) {
            chromium.open(flow.authorizeUrl());
            chromium.await(d -> d.findElement(By.id("cancel"))).click();
            chromium.await(d -> d.getCurrentUrl().startsWith(redirectUri + "?"));

            assertThat(CodeFlow.query(chromium.currentUrl())).containsEntry("error", "access_denied")
                    .containsEntry("state", flow.state).doesNotContainKey("code");
        }
    }

    private JWTClaimsSet verified(String jwt) throws Exception {
        HttpResponse<String> jwks = CodeFlow.send(HttpRequest.newBuilder(URI.create(issuer.jwksUri())).GET());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256,
                new ImmutableJWKSet<>(JWKSet.parse(jwks.body()))));
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
        return processor.process(jwt, null);
    }
}
