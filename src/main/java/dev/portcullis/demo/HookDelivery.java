package dev.portcullis.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Delivers Event Hooks the way Okta does, without blocking the caller (the JDK's async client):
 * once per target, first the one-time verification ({@code GET} with
 * {@code X-Okta-Verification-Challenge}, answered {@code {"verification": <challenge>}}); then each
 * delivery as a {@code POST} of the envelope with the secret header, within the target's budget
 * (Okta's: 3 seconds),
 * retried once on a 5xx or a timeout and never on a 4xx. Each step completes with what happened,
 * for the admin call's answer. Okta would not deliver to a hook that failed verification; the dev
 * issuer reports the failure and delivers anyway, so that a receiver's other checks can be tried.
 */
final class HookDelivery {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client;
    private volatile EventHookTarget verified;

    HookDelivery(HttpClient client) {
        this.client = client;
    }

    /** Verifies {@code target} unless it already was, then delivers {@code envelope}; never fails. */
    CompletableFuture<Map<String, Object>> deliver(EventHookTarget target, Map<String, Object> envelope) {
        Map<String, Object> outcome = new LinkedHashMap<>();
        outcome.put("url", target.url().toString());
        CompletableFuture<Void> verification = target.equals(verified) ? CompletableFuture.completedFuture(null)
                : verify(target).thenAccept(v -> outcome.put("verification", v));
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(envelope);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write an event hook envelope", e);
        }
        return verification.thenCompose(v -> post(target, body, 1)).thenApply(delivery -> {
            outcome.putAll(delivery);
            return outcome;
        });
    }

    private CompletableFuture<Map<String, Object>> verify(EventHookTarget target) {
        String challenge = UUID.randomUUID().toString();
        HttpRequest request = HttpRequest.newBuilder(target.url()).timeout(target.timeout())
                .header(target.secretHeader(), target.secret())
                .header("X-Okta-Verification-Challenge", challenge).GET().build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).handle((response, failure) -> {
            Map<String, Object> v = new LinkedHashMap<>();
            if (failure != null) {
                v.put("error", describe(failure));
                v.put("verified", false);
                return v;
            }
            boolean ok = response.statusCode() == 200 && challenge.equals(verification(response.body()));
            if (ok) {
                verified = target;
            }
            v.put("status", response.statusCode());
            v.put("verified", ok);
            return v;
        });
    }

    private CompletableFuture<Map<String, Object>> post(EventHookTarget target, byte[] body, int attempt) {
        HttpRequest request = HttpRequest.newBuilder(target.url()).timeout(target.timeout())
                .header("Content-Type", "application/json").header(target.secretHeader(), target.secret())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).handle((response, failure) -> {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("attempts", attempt);
            if (failure != null) {
                d.put("error", describe(failure));
            } else {
                d.put("status", response.statusCode());
            }
            boolean again = attempt == 1 && (failure != null && timedOut(failure)
                    || failure == null && response.statusCode() >= 500);
            return again ? post(target, body, 2) : CompletableFuture.completedFuture(d);
        }).thenCompose(f -> f);
    }

    private static String verification(String body) {
        try {
            JsonNode v = JSON.readTree(body).path("verification");
            return v.isTextual() ? v.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean timedOut(Throwable failure) {
        return unwrap(failure) instanceof HttpTimeoutException;
    }

    private static String describe(Throwable failure) {
        Throwable t = unwrap(failure);
        return t instanceof HttpTimeoutException ? "no answer in time"
                : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
