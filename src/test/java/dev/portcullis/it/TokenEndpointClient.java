package dev.portcullis.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.session.OidcClient;
import dev.portcullis.session.TokenSet;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A test stand-in for L's token endpoint client: POSTs the refresh grant to a real issuer
 * (mock-oauth2-server) and reads its answer; {@code invalid_grant} is {@link OidcClient.RefreshRefused}.
 */
public final class TokenEndpointClient implements OidcClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI tokenEndpoint;
    private final String clientId;

    public TokenEndpointClient(URI tokenEndpoint, String clientId) {
        this.tokenEndpoint = tokenEndpoint;
        this.clientId = clientId;
    }

    @Override
    public CompletableFuture<TokenSet> refresh(String issuerId, String refreshToken) {
        return post("grant_type=refresh_token&refresh_token=" + enc(refreshToken) + "&client_id=" + enc(clientId)
                + "&client_secret=secret");
    }

    /** The authorization code grant, for seeding sessions with real tokens. */
    /**
     * Real tokens for {@code sub} in the group {@code engineering}: an authorization code round trip at
     * the harness's mock-oauth2-server, the code exchanged here.
     */
    public TokenSet signedIn(Harness h, String sub) throws Exception {
        h.issuer.enqueueCallback(new no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback("default", sub,
                "JWT", java.util.List.of(Harness.AUDIENCE), java.util.Map.of("groups", java.util.List.of("engineering")),
                3600));
        String redirect = "http://127.0.0.1/cb";
        URI authorize = URI.create(h.issuer.authorizationEndpointUrl("default") + "?client_id=" + enc(clientId)
                + "&response_type=code&scope=openid%20offline_access&state=s&nonce=n&redirect_uri=" + enc(redirect));
        HttpResponse<String> r = h.http.send(HttpRequest.newBuilder(authorize).build(),
                HttpResponse.BodyHandlers.ofString());
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[?&]code=([^&]+)")
                .matcher(r.headers().firstValue("Location").orElseThrow());
        if (!m.find()) {
            throw new AssertionError("no code in the issuer's redirect: " + r.headers().firstValue("Location"));
        }
        return exchange(m.group(1), redirect).get(10, java.util.concurrent.TimeUnit.SECONDS);
    }

    public CompletableFuture<TokenSet> exchange(String code, String redirectUri) {
        return post("grant_type=authorization_code&code=" + enc(code) + "&redirect_uri=" + enc(redirectUri)
                + "&client_id=" + enc(clientId) + "&client_secret=secret");
    }

    private CompletableFuture<TokenSet> post(String form) {
        HttpRequest req = HttpRequest.newBuilder(tokenEndpoint).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        long sent = System.currentTimeMillis();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            JsonNode n;
            try {
                n = JSON.readTree(r.body());
            } catch (IOException e) {
                throw new IllegalStateException("not JSON: " + r.statusCode());
            }
            if (r.statusCode() == 400 && "invalid_grant".equals(n.path("error").asText())) {
                throw new OidcClient.RefreshRefused("invalid_grant");
            }
            if (r.statusCode() != 200) {
                throw new IllegalStateException("token endpoint answered " + r.statusCode());
            }
            return new TokenSet(n.path("access_token").asText(), n.hasNonNull("refresh_token")
                    ? n.get("refresh_token").asText() : null, n.hasNonNull("id_token") ? n.get("id_token").asText()
                    : null, sent + n.path("expires_in").asLong() * 1000);
        });
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
