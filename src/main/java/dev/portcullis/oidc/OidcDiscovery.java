package dev.portcullis.oidc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.vocab.HostName;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One issuer's sign-in endpoints ({@link OidcEndpoints}) from its OIDC discovery document, read at
 * start and refreshed in the background (every {@code refresh}, after a failure sooner, backing off
 * to a minute): never per request. Until the first fetch succeeds {@link #endpoints} is null and a
 * sign-in answers 503. The document's {@code issuer} must be the configured one exactly, and every
 * endpoint https (plain http only on loopback), as for the key set's {@code jwks_uri}.
 */
public final class OidcDiscovery {
    private static final Logger log = LoggerFactory.getLogger(OidcDiscovery.class);
    private static final int MAX_BODY = 1 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuerId;
    private final String issuer;
    private final HttpClient http;
    private final Duration timeout;
    private final ScheduledExecutorService scheduler;
    private final Duration refresh;
    private volatile OidcEndpoints endpoints;
    private volatile boolean closed;
    private int failures;

    public OidcDiscovery(String issuerId, String issuer, HttpClient http, Duration timeout,
            ScheduledExecutorService scheduler, Duration refresh) {
        this.issuerId = issuerId;
        this.issuer = issuer;
        this.http = http;
        this.timeout = timeout;
        this.scheduler = scheduler;
        this.refresh = refresh;
    }

    /** The endpoints, or null until discovery first succeeds. One volatile read. */
    public OidcEndpoints endpoints() {
        return endpoints;
    }

    /** Starts the first fetch; the refreshes schedule themselves. */
    public void start() {
        fetch().whenComplete((e, error) -> scheduleNext(error));
    }

    public void close() {
        closed = true;
    }

    private void scheduleNext(Throwable error) {
        if (closed) {
            return;
        }
        long delayMillis;
        synchronized (this) {
            if (error == null) {
                failures = 0;
                delayMillis = refresh.toMillis();
            } else {
                failures++;
                delayMillis = Math.min(60_000L, 1000L << Math.min(failures - 1, 6));
                log.warn("issuer {} ({}): OIDC discovery failed ({}); retrying in {}s", issuerId, issuer,
                        describe(error), delayMillis / 1000);
            }
        }
        try {
            scheduler.schedule(this::start, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the proxy is stopping
        }
    }

    /** Fetches the discovery document once; the endpoints are kept when it succeeds. */
    public CompletableFuture<OidcEndpoints> fetch() {
        String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
        URI uri = URI.create(base + "/.well-known/openid-configuration");
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json").GET()
                .build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.ofString()).thenApply(r -> {
            if (r.statusCode() != 200 || r.body().length() > MAX_BODY) {
                throw new CompletionException(new IOException("GET " + uri + " answered " + r.statusCode()));
            }
            OidcEndpoints found = parse(r.body());
            if (endpoints == null) {
                log.info("issuer {}: sign-in endpoints discovered (authorization {})", issuerId, found.authorization());
            }
            endpoints = found;
            return found;
        });
    }

    OidcEndpoints parse(String body) {
        try {
            JsonNode doc = JSON.readTree(body);
            String docIssuer = doc.path("issuer").asText(null);
            if (!issuer.equals(docIssuer)) {
                throw new IOException("discovery document names issuer '" + docIssuer + "', expected '" + issuer + "'");
            }
            return new OidcEndpoints(endpoint(doc, "authorization_endpoint", true),
                    endpoint(doc, "token_endpoint", true), endpoint(doc, "end_session_endpoint", false));
        } catch (IOException e) {
            throw new CompletionException(e);
        }
    }

    private static URI endpoint(JsonNode doc, String field, boolean required) throws IOException {
        String value = doc.path(field).asText(null);
        if (value == null) {
            if (required) {
                throw new IOException("discovery document has no " + field);
            }
            return null;
        }
        URI uri;
        try {
            uri = new URI(value);
        } catch (java.net.URISyntaxException e) {
            throw new IOException(field + " is not a URL: " + e.getMessage());
        }
        boolean secure = "https".equalsIgnoreCase(uri.getScheme())
                || ("http".equalsIgnoreCase(uri.getScheme()) && HostName.isLoopback(uri.getHost()));
        if (!secure || uri.getRawFragment() != null) {
            throw new IOException(field + " must be an https URL without a fragment: " + value);
        }
        return uri;
    }

    static String describe(Throwable e) {
        Throwable t = e;
        while ((t instanceof CompletionException || t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }
}
