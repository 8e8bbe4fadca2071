package dev.portcullis.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.directory.DirectoryListener.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An OAuth 2.0 service app's access token, as Okta recommends for services: client credentials at
 * {@code {org}/oauth2/v1/token}, authenticated with a {@code private_key_jwt}
 * {@link ClientAssertion}, for the configured scopes. The token is kept until shortly before it
 * expires, and fetched once however many calls need it at the same time.
 */
final class ServiceAppCredentials implements Credentials {
    /** Renewed this long before its {@code expires_in} runs out, so no call carries a token about to expire. */
    static final long RENEW_BEFORE_MILLIS = 60_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private record Token(String header, long expiresAtMillis) {
    }

    private final HttpClient client;
    private final URI endpoint;
    private final ClientAssertion assertion;
    private final String scopes;
    private final Duration timeout;
    private final Clock clock;
    private final DirectoryListener listener;
    private final AtomicReference<CompletableFuture<Token>> current = new AtomicReference<>();

    ServiceAppCredentials(HttpClient client, String orgUrl, ClientAssertion assertion, List<String> scopes,
            Duration timeout, Clock clock, DirectoryListener listener) {
        this.client = client;
        this.endpoint = tokenEndpoint(orgUrl);
        this.assertion = assertion;
        this.scopes = String.join(" ", scopes);
        this.timeout = timeout;
        this.clock = clock;
        this.listener = listener;
    }

    static URI tokenEndpoint(String orgUrl) {
        return URI.create(OktaUsersApi.base(orgUrl) + "/oauth2/v1/token");
    }

    @Override
    public CompletableFuture<String> authorization() {
        while (true) {
            CompletableFuture<Token> f = current.get();
            if (f != null && !(f.isDone() && (f.isCompletedExceptionally()
                    || f.join().expiresAtMillis() - RENEW_BEFORE_MILLIS <= clock.millis()))) {
                return f.thenApply(Token::header);
            }
            CompletableFuture<Token> next = new CompletableFuture<>();
            if (current.compareAndSet(f, next)) {
                fetch().whenComplete((t, e) -> {
                    if (e != null) {
                        next.completeExceptionally(e);
                    } else {
                        next.complete(t);
                    }
                });
                return next.thenApply(Token::header);
            }
        }
    }

    @Override
    public boolean rejected(String used) {
        CompletableFuture<Token> f = current.get();
        if (f != null && f.isDone() && !f.isCompletedExceptionally() && f.join().header().equals(used)) {
            current.compareAndSet(f, null);
        }
        return true;
    }

    private CompletableFuture<Token> fetch() {
        String form = "grant_type=client_credentials&scope=" + enc(scopes)
                + "&client_assertion_type=" + enc("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
                + "&client_assertion=" + enc(assertion.next());
        HttpRequest req = HttpRequest.newBuilder(endpoint).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
            if (e != null) {
                listener.called(Outcome.UNREACHABLE);
                throw new CompletionException(new DirectoryException(Outcome.UNREACHABLE,
                        "POST " + endpoint + ": " + DirectoryException.unwrap(e), e));
            }
            return token(r);
        });
    }

    private Token token(HttpResponse<String> r) {
        if (r.statusCode() == 400 || r.statusCode() == 401) {
            // invalid_client (a bad or unregistered key, a wrong client id) or invalid_scope: ours to fix.
            listener.called(Outcome.UNAUTHORIZED);
            throw new CompletionException(new DirectoryException(Outcome.UNAUTHORIZED, "the token endpoint "
                    + endpoint + " refused the service app (" + r.statusCode() + " " + errorOf(r.body()) + ")"));
        }
        if (r.statusCode() != 200) {
            Outcome o = r.statusCode() == 429 ? Outcome.RATE_LIMITED : Outcome.ERROR;
            listener.called(o);
            throw new CompletionException(new DirectoryException(o, "the token endpoint answered "
                    + r.statusCode()));
        }
        try {
            JsonNode body = JSON.readTree(r.body());
            String token = body.path("access_token").asText("");
            long expiresIn = body.path("expires_in").asLong(0);
            if (token.isEmpty() || expiresIn <= 0) {
                throw new IOException("no access_token/expires_in");
            }
            listener.called(Outcome.OK);
            return new Token("Bearer " + token, clock.millis() + expiresIn * 1000);
        } catch (IOException e) {
            listener.called(Outcome.ERROR);
            throw new CompletionException(new DirectoryException(Outcome.ERROR,
                    "the token endpoint's answer is not a token: " + e.getMessage(), e));
        }
    }

    private static String errorOf(String body) {
        try {
            return JSON.readTree(body).path("error").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
