package dev.portcullis.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.directory.DirectoryListener.Outcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Okta's Users API, asynchronously on the JDK client's threads: a user's groups,
 * {@code GET {org}/api/v1/users/{id}/groups?limit=200}, following every {@code Link: rel="next"}
 * (on the org's own origin only: the credentials never go elsewhere). Honours the rate limit
 * ({@link RateLimit}), retries a 429 after the reset with back-off, and renews an access token
 * once on a 401.
 */
final class OktaUsersApi {
    static final int PAGE_SIZE = 200;
    /** 100 pages of 200: a user in more groups than this is refused rather than read without end. */
    static final int MAX_PAGES = 100;
    static final int MAX_RETRIES = 3;
    private static final int MAX_BODY = 4 << 20;
    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final Pattern NEXT = Pattern.compile("<([^>]*)>\\s*;\\s*rel=\"?next\"?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client;
    private final String base;
    private final URI origin;
    private final Credentials credentials;
    private final RateLimit rate = new RateLimit();
    private final DirectoryStatus status;
    private final DirectoryListener listener;
    private final Executor executor;
    private final Duration timeout;
    private final Clock clock;

    OktaUsersApi(HttpClient client, String orgUrl, Credentials credentials, DirectoryStatus status,
            DirectoryListener listener, Executor executor, Duration timeout, Clock clock) {
        this.client = client;
        this.base = base(orgUrl);
        this.origin = URI.create(base);
        this.credentials = credentials;
        this.status = status;
        this.listener = listener;
        this.executor = executor;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** The org URL without a trailing slash. */
    static String base(String orgUrl) {
        return orgUrl.endsWith("/") ? orgUrl.substring(0, orgUrl.length() - 1) : orgUrl;
    }

    /** Every group of the user, by {@code profile.name}, in the API's order. */
    CompletableFuture<Set<String>> userGroups(String userId) {
        if (!USER_ID.matcher(userId).matches()) {
            // An id is the org's (00u…): anything else is not put into a URL path.
            return CompletableFuture.failedFuture(new DirectoryException(Outcome.ERROR, "not an Okta user id"));
        }
        DirectoryException holding = status.holdingOff(clock.millis());
        if (holding != null) {
            return CompletableFuture.failedFuture(holding);
        }
        URI first = URI.create(base + "/api/v1/users/" + userId + "/groups?limit=" + PAGE_SIZE);
        return page(first, new LinkedHashSet<>(), 1);
    }

    private CompletableFuture<Set<String>> page(URI uri, Set<String> groups, int number) {
        return call(uri, 0, true).thenCompose(r -> {
            if (r.statusCode() == 404) {
                return CompletableFuture.completedFuture(Set.<String>of()); // no such user: no groups
            }
            readGroups(r.body(), groups);
            URI next = next(r);
            if (next == null) {
                return CompletableFuture.completedFuture(groups);
            }
            if (number >= MAX_PAGES) {
                throw new CompletionException(new DirectoryException(Outcome.ERROR, "more than " + MAX_PAGES
                        + " pages of groups"));
            }
            return page(next, groups, number + 1);
        });
    }

    /**
     * One GET of any org API path, with this client's credentials, rate limit and retries (for
     * {@link OrgGroups}); a 404 is an answer, not a failure.
     */
    CompletableFuture<HttpResponse<String>> get(URI uri) {
        return call(uri, 0, true);
    }

    /** The {@code rel="next"} page of an answer of {@link #get}, on the org's origin only; null when none. */
    URI nextPage(HttpResponse<String> r) {
        return next(r);
    }

    /** The org URL without a trailing slash. */
    String base() {
        return base;
    }

    /** One GET, after the rate limit allows it, retried after a 429 and once after a 401 with a renewed token. */
    private CompletableFuture<HttpResponse<String>> call(URI uri, int retry, boolean mayRenew) {
        long wait = rate.waitMillis(clock.millis());
        if (wait > RateLimit.MAX_WAIT_MILLIS) {
            return failed(Outcome.RATE_LIMITED, "rate limit resets in " + wait + " ms");
        }
        Executor when = executor;
        if (wait > 0) {
            listener.rateLimitWait();
            when = CompletableFuture.delayedExecutor(wait, TimeUnit.MILLISECONDS, executor);
        }
        return CompletableFuture.supplyAsync(credentials::authorization, when).thenCompose(f -> f)
                .whenComplete((auth, e) -> {
                    if (e != null) { // the token endpoint's failure: counted there, told to the status here
                        status.failed(DirectoryException.outcomeOf(e), DirectoryException.unwrap(e).getMessage(),
                                clock.millis());
                    }
                })
                .thenCompose(auth -> send(uri, auth).thenCompose(r -> answer(uri, r, auth, retry, mayRenew)));
    }

    private CompletableFuture<HttpResponse<String>> send(URI uri, String auth) {
        HttpRequest req = HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", "application/json")
                .header("Authorization", auth).GET().build();
        return client.sendAsync(req, HttpResponse.BodyHandlers.ofString()).handle((r, e) -> {
            if (e != null) {
                throw new CompletionException(failure(Outcome.UNREACHABLE, "GET " + uri + ": "
                        + DirectoryException.unwrap(e)));
            }
            return r;
        });
    }

    private CompletableFuture<HttpResponse<String>> answer(URI uri, HttpResponse<String> r, String auth, int retry,
            boolean mayRenew) {
        rate.update(r.headers());
        int code = r.statusCode();
        if (code == 200 || code == 404) {
            if (r.body().length() > MAX_BODY) {
                return failed(Outcome.ERROR, "GET " + uri + " answered more than 4 MiB");
            }
            listener.called(Outcome.OK);
            status.succeeded(clock.millis());
            return CompletableFuture.completedFuture(r);
        }
        if (code == 401 && mayRenew && credentials.rejected(auth)) {
            listener.called(Outcome.UNAUTHORIZED);
            return call(uri, retry, false); // an access token that expired early or was revoked: one renewal
        }
        if (code == 401 || code == 403) {
            credentials.rejected(auth);
            return failed(Outcome.UNAUTHORIZED, "GET " + uri + " answered " + code
                    + (code == 401 ? " (expired or invalid credentials)" : " (the credentials lack okta.groups.read)"));
        }
        if (code == 429) {
            rate.exhausted(r.headers());
            listener.called(Outcome.RATE_LIMITED);
            long backoff = rate.backoffMillis(retry + 1, clock.millis());
            if (retry >= MAX_RETRIES || backoff > RateLimit.MAX_WAIT_MILLIS) {
                return failed(Outcome.RATE_LIMITED, "GET " + uri + " still rate-limited after " + retry + " retries");
            }
            listener.rateLimitWait();
            return CompletableFuture.supplyAsync(() -> null,
                    CompletableFuture.delayedExecutor(backoff, TimeUnit.MILLISECONDS, executor))
                    .thenCompose(v -> call(uri, retry + 1, mayRenew));
        }
        return failed(code >= 500 ? Outcome.UNREACHABLE : Outcome.ERROR, "GET " + uri + " answered " + code);
    }

    private <T> CompletableFuture<T> failed(Outcome o, String message) {
        return CompletableFuture.failedFuture(failure(o, message));
    }

    /** Counts a failed call, tells the status (which logs a change once), and names the failure. */
    private DirectoryException failure(Outcome o, String message) {
        if (o != Outcome.RATE_LIMITED) {
            listener.called(o); // a 429 was counted when it came
        }
        status.failed(o, message, clock.millis());
        return new DirectoryException(o, message);
    }

    private static void readGroups(String body, Set<String> into) {
        try {
            JsonNode list = JSON.readTree(body);
            if (!list.isArray()) {
                throw new IOException("not a list of groups");
            }
            for (JsonNode g : list) {
                String name = g.path("profile").path("name").asText("");
                if (!name.isEmpty()) {
                    into.add(name);
                }
            }
        } catch (IOException e) {
            throw new CompletionException(new DirectoryException(Outcome.ERROR, "groups page: " + e.getMessage(), e));
        }
    }

    /** The {@code rel="next"} page, on the org's own origin only; null when there is none. */
    private URI next(HttpResponse<String> r) {
        for (String link : r.headers().allValues("link")) {
            Matcher m = NEXT.matcher(link);
            while (m.find()) {
                URI next;
                try {
                    next = new URI(m.group(1));
                } catch (java.net.URISyntaxException e) {
                    throw new CompletionException(new DirectoryException(Outcome.ERROR, "a next link that is not"
                            + " a URL: " + e.getMessage()));
                }
                if (!origin.getScheme().equalsIgnoreCase(next.getScheme())
                        || !origin.getHost().equalsIgnoreCase(next.getHost()) || origin.getPort() != next.getPort()) {
                    throw new CompletionException(new DirectoryException(Outcome.ERROR,
                            "a next page outside the org: " + next));
                }
                return next;
            }
        }
        return null;
    }
}
