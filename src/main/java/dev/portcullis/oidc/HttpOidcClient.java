package dev.portcullis.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.session.OidcClient;
import dev.portcullis.session.TokenSet;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The issuers' token endpoints over HTTP: the authorization code exchange at sign-in and the
 * refresh grant ({@link OidcClient}). Asynchronous on the JDK client's own threads (never an event
 * loop), a form POST with the client's authentication ({@link ClientAuthentication}), bounded by
 * {@code timeout}, answers parsed with Jackson and capped at 1 MiB. The endpoint is the discovered
 * one ({@link OidcDiscovery}); before discovery, a call fails at once.
 */
public final class HttpOidcClient implements OidcClient {
    private static final int MAX_BODY = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One issuer's sign-in client: where its token endpoint is, and how to authenticate there. */
    public record Issuer(OidcDiscovery discovery, ClientAuthentication auth) {
    }

    private final Map<String, Issuer> issuers;
    private final HttpClient http;
    private final Duration timeout;
    private final Clock clock;

    public HttpOidcClient(Map<String, Issuer> issuers, HttpClient http, Duration timeout, Clock clock) {
        this.issuers = Map.copyOf(issuers);
        this.http = http;
        this.timeout = timeout;
        this.clock = clock;
    }

    /**
     * Exchanges an authorization code ({@code grant_type=authorization_code}) with its PKCE verifier.
     * Completes exceptionally with {@link TokenEndpointError} when the issuer refuses it (a replayed
     * code, a wrong verifier) and with an {@link IOException} when it cannot be reached or answers
     * something unusable.
     */
    public CompletableFuture<TokenSet> exchange(String issuerId, String code, String verifier, String redirectUri) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "authorization_code");
        form.put("code", code);
        form.put("redirect_uri", redirectUri);
        form.put("code_verifier", verifier);
        return post(issuerId, form);
    }

    @Override
    public CompletableFuture<TokenSet> refresh(String issuerId, String refreshToken) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "refresh_token");
        form.put("refresh_token", refreshToken);
        return post(issuerId, form).exceptionally(e -> {
            Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            if (t instanceof TokenEndpointError te && "invalid_grant".equals(te.error())) {
                throw new RefreshRefused(te.error());
            }
            throw e instanceof CompletionException ce ? ce : new CompletionException(t);
        });
    }

    /**
     * Runs on the HTTP client's executor, never the caller's thread: the caller may be an event loop,
     * and a {@code private_key_jwt} assertion is an RSA signature.
     */
    private CompletableFuture<TokenSet> post(String issuerId, Map<String, String> form) {
        return CompletableFuture.supplyAsync(() -> send(issuerId, form),
                http.executor().orElse(java.util.concurrent.ForkJoinPool.commonPool())).thenCompose(f -> f);
    }

    private CompletableFuture<TokenSet> send(String issuerId, Map<String, String> form) {
        Issuer issuer = issuers.get(issuerId);
        OidcEndpoints endpoints = issuer == null ? null : issuer.discovery().endpoints();
        if (endpoints == null) {
            return CompletableFuture.failedFuture(new IOException(issuer == null ? "no sign-in client for issuer "
                    + issuerId : "issuer " + issuerId + ": token endpoint not discovered yet"));
        }
        URI uri = endpoints.token();
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json");
        issuer.auth().apply(b, form, uri);
        StringJoiner body = new StringJoiner("&");
        form.forEach((k, v) -> body.add(ClientAuthentication.form(k) + "=" + ClientAuthentication.form(v)));
        HttpRequest req = b.POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        long sent = clock.millis();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).exceptionally(e -> {
            throw new CompletionException(new IOException("POST " + uri + ": " + OidcDiscovery.describe(e)));
        }).thenApply(r -> tokens(uri, r, sent));
    }

    private static TokenSet tokens(URI uri, HttpResponse<String> r, long sentMillis) {
        if (r.body().length() > MAX_BODY) {
            throw new CompletionException(new IOException("POST " + uri + " answered more than 1 MiB"));
        }
        JsonNode doc;
        try {
            doc = JSON.readTree(r.body());
        } catch (IOException e) {
            doc = null;
        }
        if (r.statusCode() >= 400 && r.statusCode() < 500 && doc != null && doc.path("error").isTextual()) {
            throw new TokenEndpointError(doc.path("error").asText(), r.statusCode());
        }
        if (r.statusCode() != 200 || doc == null) {
            throw new CompletionException(new IOException("POST " + uri + " answered " + r.statusCode()));
        }
        String access = text(doc, "access_token");
        if (access == null || !"bearer".equalsIgnoreCase(text(doc, "token_type"))) {
            throw new CompletionException(new IOException("POST " + uri + ": no bearer access_token in the answer"));
        }
        long expiresIn = doc.path("expires_in").asLong(0);
        long expiresAt = expiresIn > 0 ? sentMillis + expiresIn * 1000 : expFromToken(access, sentMillis);
        // At a refresh, no refresh_token means the issuer did not rotate it (TokenSet says so with null).
        return new TokenSet(access, text(doc, "refresh_token"), text(doc, "id_token"), expiresAt);
    }

    private static String text(JsonNode doc, String field) {
        JsonNode n = doc.get(field);
        return n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
    }

    /** No {@code expires_in}: the access token's own {@code exp} when it is a JWT, else now (refresh at once). */
    private static long expFromToken(String access, long now) {
        try {
            java.util.Date exp = com.nimbusds.jwt.JWTParser.parse(access).getJWTClaimsSet().getExpirationTime();
            return exp == null ? now : exp.getTime();
        } catch (java.text.ParseException e) {
            return now;
        }
    }
}
