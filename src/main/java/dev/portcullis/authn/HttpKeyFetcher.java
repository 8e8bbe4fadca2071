package dev.portcullis.authn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.jwk.JWKSet;
import dev.portcullis.vocab.HostName;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;

/**
 * Fetches discovery documents and key sets over HTTP, asynchronously, on the JDK client's own
 * threads: never on an event loop.
 */
public final class HttpKeyFetcher implements KeyFetcher {
    private static final int MAX_BODY = 1 << 20;
    /**
     * Built on {@code executor}, not the constructing thread: the JDK client's set-up (its SSL
     * context among it) was ≈0.1 s of the main thread's start-up, and the first fetch, which needs
     * it, is made on those threads anyway.
     */
    private final CompletableFuture<HttpClient> client;
    private final ObjectMapper json = new ObjectMapper();
    private final Duration timeout;

    public HttpKeyFetcher(Executor executor, Duration timeout) {
        this.client = CompletableFuture.supplyAsync(() -> HttpClient.newBuilder().executor(executor)
                .connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build(), executor);
        this.timeout = timeout;
    }

    /**
     * Finds {@code jwks_uri} through OIDC discovery, falling back to the OAuth 2.0 authorization
     * server metadata (Okta custom authorization servers serve both). The document's
     * {@code issuer} must equal the configured issuer exactly (RFC 8414 §3.3).
     */
    @Override
    public CompletableFuture<URI> discover(String issuer) {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        return discoveryDocument(base + "/.well-known/openid-configuration")
                .exceptionallyCompose(first -> discoveryDocument(base + "/.well-known/oauth-authorization-server"))
                .thenApply(doc -> {
                    String docIssuer = doc.path("issuer").asText(null);
                    if (!issuer.equals(docIssuer)) {
                        throw new CompletionException(new IOException("discovery document names issuer '"
                                + docIssuer + "', expected '" + issuer + "'"));
                    }
                    String jwks = doc.path("jwks_uri").asText(null);
                    if (jwks == null) {
                        throw new CompletionException(new IOException("discovery document has no jwks_uri"));
                    }
                    URI uri = URI.create(jwks);
                    boolean secure = "https".equalsIgnoreCase(uri.getScheme())
                            || ("http".equalsIgnoreCase(uri.getScheme()) && HostName.isLoopback(uri.getHost()));
                    if (!secure) {
                        throw new CompletionException(new IOException("jwks_uri must be https: " + jwks));
                    }
                    return uri;
                });
    }

    private CompletableFuture<JsonNode> discoveryDocument(String url) {
        return get(URI.create(url)).thenApply(r -> {
            try {
                return json.readTree(r.body());
            } catch (IOException e) {
                throw new CompletionException(new IOException("discovery document at " + url + " is not JSON", e));
            }
        });
    }

    @Override
    public CompletableFuture<FetchedKeys> fetchKeys(URI jwksUri) {
        return get(jwksUri).thenApply(r -> {
            try {
                JWKSet set = JWKSet.parse(r.body());
                return new FetchedKeys(set, maxAge(r.headers().firstValue("cache-control").orElse("")));
            } catch (java.text.ParseException e) {
                throw new CompletionException(new IOException("key set at " + jwksUri + " is not a JWKS: "
                        + e.getMessage(), e));
            }
        });
    }

    private CompletableFuture<HttpResponse<String>> get(URI uri) {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET()
                .build();
        return client.thenCompose(c -> c.sendAsync(req, HttpResponse.BodyHandlers.ofString())).exceptionally(e -> {
            throw new CompletionException(new IOException("GET " + uri + ": " + FetchErrors.describe(e),
                    FetchErrors.unwrap(e)));
        }).thenApply(r -> {
            if (r.statusCode() != 200) {
                throw new CompletionException(new IOException("GET " + uri + " answered " + r.statusCode()));
            }
            if (r.body().length() > MAX_BODY) {
                throw new CompletionException(new IOException("GET " + uri + " answered more than 1 MiB"));
            }
            return r;
        });
    }

    static OptionalLong maxAge(String cacheControl) {
        for (String part : cacheControl.split(",")) {
            String p = part.trim().toLowerCase(java.util.Locale.ROOT);
            if (p.equals("no-cache") || p.equals("no-store")) {
                return OptionalLong.of(0);
            }
            if (p.startsWith("max-age=")) {
                try {
                    return OptionalLong.of(Long.parseLong(p.substring(8).replace("\"", "")));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
