package dev.portcullis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A test client of the dev issuer's browser sign-in, written from the RFCs and not from the
 * issuer's code: a PKCE pair, the authorization URL, and the token endpoint's code and refresh
 * grants over real HTTP. For the dev issuer's own tests and the browser tests.
 */
public final class CodeFlow {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    public final String verifier = random(48);
    public final String challenge = challenge(verifier);
    public final String state = random(16);
    public final String nonce = random(16);
    private final DevIssuer issuer;
    private final String clientId;
    private final String secret;
    private final String redirectUri;

    public CodeFlow(DevIssuer issuer, String clientId, String secret, String redirectUri) {
        this.issuer = issuer;
        this.clientId = clientId;
        this.secret = secret;
        this.redirectUri = redirectUri;
    }

    /** The authorization URL with {@code scope=openid profile email offline_access}, S256, state, nonce. */
    public String authorizeUrl() {
        return issuer.authorizationEndpoint() + "?" + form(Map.of("client_id", clientId, "redirect_uri", redirectUri,
                "response_type", "code", "scope", "openid profile email offline_access", "state", state,
                "nonce", nonce, "code_challenge", challenge, "code_challenge_method", "S256"));
    }

    /** Redeems {@code code} with this flow's verifier and redirect URI, authenticating with Basic. */
    public HttpResponse<String> redeem(String code) {
        return redeem(code, verifier, redirectUri);
    }

    public HttpResponse<String> redeem(String code, String codeVerifier, String redirect) {
        return token(Map.of("grant_type", "authorization_code", "code", code, "code_verifier", codeVerifier,
                "redirect_uri", redirect), true);
    }

    /** The refresh grant, authenticating with {@code client_secret_post}. */
    public HttpResponse<String> refresh(String refreshToken) {
        return token(Map.of("grant_type", "refresh_token", "refresh_token", refreshToken), false);
    }

    private HttpResponse<String> token(Map<String, String> params, boolean basic) {
        Map<String, String> all = new LinkedHashMap<>(params);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(issuer.tokenEndpoint()))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (basic) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (enc(clientId) + ":" + enc(secret)).getBytes(StandardCharsets.UTF_8)));
        } else {
            all.put("client_id", clientId);
            all.put("client_secret", secret);
        }
        return send(b.POST(HttpRequest.BodyPublishers.ofString(form(all))));
    }

    public static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> response) {
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + response.body(), e);
        }
    }

    /** The decoded query parameters of a URL (last value wins). */
    public static Map<String, String> query(String url) {
        Map<String, String> out = new LinkedHashMap<>();
        String q = URI.create(url).getRawQuery();
        if (q != null) {
            for (String pair : q.split("&")) {
                int eq = pair.indexOf('=');
                out.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    public static String form(Map<String, String> params) {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(params).forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(enc(k))
                .append('=').append(enc(v)));
        return b.toString();
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    public static String random(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    public static String challenge(String verifier) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
