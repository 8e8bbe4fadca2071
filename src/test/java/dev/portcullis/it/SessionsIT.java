package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.server.TestSignIn;
import dev.portcullis.session.Session;
import dev.portcullis.session.SessionIds;
import dev.portcullis.session.Sessions;
import dev.portcullis.session.TokenSet;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Browser sessions in the request path, over real sockets: the real proxy with {@code login: browser}
 * routes, mock-oauth2-server as the issuer (its authorization code and refresh grants give the
 * session's tokens), a recording upstream. Sessions are seeded in the running proxy's store; what
 * the upstream received is asserted, not only the status.
 */
class SessionsIT {
    private static final String ADMIN_TOKEN = "s3cret-admin-token-0123456789abcdef";
    private static final String COOKIE = "portcullis"; // plain HTTP on loopback
    private static Harness h;
    private static Sessions sessions;
    private static TestSignIn signIn;
    private static TokenEndpointClient oidc;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("client-secret");
        Files.writeString(secret, "secret\n");
        Path tokenFile = dir.resolve("admin-token");
        Files.writeString(tokenFile, ADMIN_TOKEN + "\n");
        h = new Harness();
        h.start("""
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0, token_file: %s }
                server: { key_wait_timeout: 5s }
                issuers:
                  - id: mock
                    issuer: %%ISSUER%%
                    audiences: [api://portcullis]
                    max_token_lifetime: 2h
                    client: { client_id: portcullis, client_secret_file: %s }
                routes:
                  - id: app
                    match: { path: /app/** }
                    upstream: %%UPSTREAM%%
                    login: browser
                    allow: [ { groups_any: [engineering] } ]
                  - id: fwd
                    match: { path: /fwd/** }
                    upstream: %%UPSTREAM%%
                    login: browser
                    forward_token: true
                    allow: [ { groups_any: [engineering] } ]
                """.formatted(tokenFile, secret));
        sessions = h.proxy().gate().sessions();
        oidc = new TokenEndpointClient(h.issuer.tokenEndpointUrl("default").uri(), "portcullis");
        sessions.useClient(oidc);
        signIn = TestSignIn.install(h.proxy());
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @BeforeEach
    void drain() throws Exception {
        while (h.upstream.poll() != null) {
            // requests of earlier tests
        }
    }

    /** Real tokens for {@code sub}: an authorization code round trip at mock-oauth2-server. */
    private static TokenSet signedIn(String sub) throws Exception {
        TokenSet t = oidc.signedIn(h, sub);
        assertThat(t.refreshToken()).isNotNull();
        return t;
    }

    private static String seed(String sub, long expiresAtMillis) throws Exception {
        TokenSet t = signedIn(sub);
        return sessions.start("mock", sub, new TokenSet(t.accessToken(), t.refreshToken(), t.idToken(),
                expiresAtMillis), null, System.currentTimeMillis());
    }

    private HttpRequest.Builder request(String method, String path, String cookie) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + path))
                .timeout(Duration.ofSeconds(20)).method(method, HttpRequest.BodyPublishers.noBody());
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return b;
    }

    private HttpResponse<String> send(HttpRequest.Builder b) throws Exception {
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int tokenRequests() throws Exception {
        int n = 0;
        RecordedRequest r;
        while ((r = take()) != null) {
            n += r.getPath() != null && r.getPath().endsWith("/token") ? 1 : 0;
        }
        return n;
    }

    private static RecordedRequest take() {
        try {
            return h.issuer.takeRequest(300, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return null; // "no request found in queue within timeout"
        }
    }

    @Test
    void theUpstreamReceivesTheIdentityButNeitherTheSessionCookieNorItsTokens() throws Exception {
        long later = System.currentTimeMillis() + 3_600_000;
        String id = seed("alice", later);
        HttpResponse<String> r = send(request("GET", "/app/x", "theme=dark; " + COOKIE + "=" + id
                + "; portcullis-sign-in-AbCd=SIGN-IN-JWE; lang=en")
                .header("Sec-Fetch-Mode", "cors").header("Sec-Fetch-Site", "same-origin"));
        assertThat(r.statusCode()).isEqualTo(200);
        RecordingUpstream.Received got = h.upstream.take();
        assertThat(got.header("X-Auth-Subject")).isEqualTo("alice");
        assertThat(got.header("X-Auth-Groups")).contains("engineering");
        assertThat(got.all("Cookie")).containsExactly("theme=dark; lang=en");
        assertThat(got.header("Authorization")).isNull();
        String access = sessions.store().get(SessionIds.key(id)).tokens().accessToken();
        for (String[] header : got.headers()) {
            assertThat(header[1]).doesNotContain(id).doesNotContain(access);
        }
        // only the session cookie: the header goes
        send(request("GET", "/app/y", COOKIE + "=" + id).header("Sec-Fetch-Mode", "cors"));
        assertThat(h.upstream.take().all("Cookie")).isEmpty();
        // forward_token: the session's access token, as a bearer caller's
        send(request("GET", "/fwd/x", COOKIE + "=" + id).header("Sec-Fetch-Mode", "cors"));
        RecordingUpstream.Received fwd = h.upstream.take();
        assertThat(fwd.header("Authorization")).isEqualTo("Bearer " + access);
        assertThat(fwd.header("X-Auth-Subject")).isEqualTo("alice");
        assertThat(fwd.all("Cookie")).isEmpty();
    }

    @Test
    void thirtyConcurrentRequestsCauseOneRefreshAtTheTokenEndpointAndRotateTheCookie() throws Exception {
        String id = seed("bob", System.currentTimeMillis() + 1_000); // within refresh_before (60 s)
        tokenRequests(); // the seeding's own
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            all.add(http.sendAsync(request("GET", "/app/" + i, COOKIE + "=" + id).header("Sec-Fetch-Mode", "cors")
                    .build(), HttpResponse.BodyHandlers.ofString()));
        }
        String newId = null;
        for (CompletableFuture<HttpResponse<String>> f : all) {
            HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            String set = r.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(set).startsWith(COOKIE + "=").contains("HttpOnly").contains("SameSite=Lax");
            String value = set.substring(COOKIE.length() + 1, set.indexOf(';'));
            assertThat(value).isNotEqualTo(id);
            assertThat(newId == null || newId.equals(value)).as("one new id for all").isTrue();
            newId = value;
        }
        for (int i = 0; i < 30; i++) {
            assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("bob");
        }
        assertThat(tokenRequests()).isEqualTo(1);
        // the new cookie works without a Set-Cookie; the old one still works within the grace, and gets the new one
        HttpResponse<String> fresh = send(request("GET", "/app/n", COOKIE + "=" + newId).header("Sec-Fetch-Mode", "cors"));
        assertThat(fresh.statusCode()).isEqualTo(200);
        assertThat(fresh.headers().firstValue("Set-Cookie")).isEmpty();
        HttpResponse<String> old = send(request("GET", "/app/o", COOKIE + "=" + id).header("Sec-Fetch-Mode", "cors"));
        assertThat(old.statusCode()).isEqualTo(200);
        assertThat(old.headers().firstValue("Set-Cookie").orElseThrow()).startsWith(COOKIE + "=" + newId + ";");
        assertThat(tokenRequests()).isZero();
    }

    /**
     * A session due for refresh whose refresh token the issuer no longer knows; mock-oauth2-server's
     * token endpoint then answers {@code invalid_grant} through its own error path (the callback it
     * uses for an unknown refresh token throws its OAuth2Exception).
     */
    private static String revokedRefreshToken(String sub) throws Exception {
        TokenSet t = signedIn(sub);
        h.issuer.enqueueCallback(new DefaultOAuth2TokenCallback("default", sub) {
            @Override
            public String subject(com.nimbusds.oauth2.sdk.TokenRequest request) {
                throw new no.nav.security.mock.oauth2.OAuth2Exception(com.nimbusds.oauth2.sdk.OAuth2Error.INVALID_GRANT,
                        "refresh token revoked");
            }
        });
        return sessions.start("mock", sub, new TokenSet(t.accessToken(), "revoked-" + SessionIds.next(), t.idToken(),
                System.currentTimeMillis() + 1_000), null, System.currentTimeMillis());
    }

    @Test
    void aRefusedRefreshEndsTheSession401ForXhrAndSignInForANavigation() throws Exception {
        String xhr = revokedRefreshToken("carol");
        HttpResponse<String> r = send(request("GET", "/app/x", COOKIE + "=" + xhr).header("Sec-Fetch-Mode", "cors"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("session_expired");
        assertThat(r.headers().firstValue("Set-Cookie").orElseThrow()).startsWith(COOKIE + "=;").contains("Max-Age=0");
        String nav = revokedRefreshToken("carol");
        int before = signIn.calls.size();
        HttpResponse<String> n = send(request("GET", "/app/page?q=1", COOKIE + "=" + nav)
                .header("Sec-Fetch-Mode", "navigate").header("Accept", "text/html"));
        assertThat(n.statusCode()).isEqualTo(302);
        assertThat(signIn.calls.get(before)).isEqualTo(new TestSignIn.Call("mock", "http", "127.0.0.1:" + h.port(),
                "/app/page?q=1"));
        assertThat(h.upstream.poll()).isNull();
    }

    @Test
    void idleAndPastMaxAgeSessionsAreRefused() throws Exception {
        TokenSet t = signedIn("dave");
        long now = System.currentTimeMillis();
        String idle = SessionIds.next();
        sessions.store().put(SessionIds.key(idle), new Session("mock", "dave", t, now - 7_200_000, now - 7_200_000));
        String old = SessionIds.next();
        sessions.store().put(SessionIds.key(old), new Session("mock", "dave", t, now - 13 * 3_600_000L, now));
        for (String id : List.of(idle, old)) {
            HttpResponse<String> r = send(request("GET", "/app/x", COOKIE + "=" + id).header("Sec-Fetch-Mode", "cors"));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("session_expired");
            assertThat(sessions.store().get(SessionIds.key(id))).isNull();
        }
        HttpResponse<String> none = send(request("GET", "/app/x", null).header("Sec-Fetch-Mode", "cors"));
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("token_missing");
        assertThat(h.upstream.poll()).isNull();
    }

    @ParameterizedTest(name = "{0} Sec-Fetch-Site={1} Origin={2} → {3}")
    @CsvSource(nullValues = "-", value = {
        "POST, same-origin, -, 200",
        "POST, cross-site, -, 403",
        "POST, same-site, -, 403",
        "DELETE, cross-site, -, 403",
        "PUT, -, SELF, 200",
        "POST, -, https://evil.example, 403",
        "POST, -, -, 403",
        "GET, cross-site, https://evil.example, 200",
    })
    void csrf(String method, String site, String origin, int status) throws Exception {
        String id = seed("erin", System.currentTimeMillis() + 3_600_000);
        HttpRequest.Builder b = request(method, "/app/x", COOKIE + "=" + id).header("Sec-Fetch-Mode", "cors");
        if (site != null) {
            b.header("Sec-Fetch-Site", site);
        }
        if (origin != null) {
            b.header("Origin", origin.equals("SELF") ? "http://127.0.0.1:" + h.port() : origin);
        }
        HttpResponse<String> r = send(b);
        assertThat(r.statusCode()).isEqualTo(status);
        if (status == 403) {
            assertThat(r.body()).contains("csrf_rejected");
            assertThat(h.upstream.poll()).isNull();
        } else {
            assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("erin");
        }
    }

    @Test
    void theAuditLineNamesTheCredentialAndTheSessionEventAndTheMetricsCount() throws Exception {
        try (AuditCapture audit = new AuditCapture()) {
            String id = seed("hana", System.currentTimeMillis() + 1_000);
            HttpResponse<String> r = send(request("GET", "/app/audited", COOKIE + "=" + id)
                    .header("Sec-Fetch-Mode", "cors"));
            assertThat(r.statusCode()).isEqualTo(200);
            h.upstream.take();
            var line = audit.await(l -> "/app/audited".equals(l.path("path").asText()));
            assertThat(line.path("credential").asText()).isEqualTo("session");
            assertThat(line.path("session_event").asText()).isEqualTo("refreshed");
            assertThat(line.path("subject").asText()).isEqualTo("hana");
            send(request("GET", "/app/audited-bearer", null).header("Authorization", "Bearer "
                    + h.token("hana", List.of("engineering"))));
            h.upstream.take();
            var bearer = audit.await(l -> "/app/audited-bearer".equals(l.path("path").asText()));
            assertThat(bearer.path("credential").asText()).isEqualTo("bearer");
            assertThat(bearer.has("session_event")).isFalse();
            send(request("GET", "/app/audited-unknown", COOKIE + "=" + SessionIds.next()).header("Sec-Fetch-Mode", "cors"));
            var unknown = audit.await(l -> "/app/audited-unknown".equals(l.path("path").asText()));
            assertThat(unknown.path("reason").asText()).isEqualTo("session_expired");
            assertThat(unknown.path("session_event").asText()).isEqualTo("unknown");
        }
        String metrics = h.metricsOnce("portcullis_session_refreshes_total{outcome=\"refreshed\"}");
        assertThat(metrics).contains("portcullis_sessions ").contains("portcullis_session_refreshes_total{outcome=\"refreshed\"}");
    }

    @Test
    void aDeactivationFromTheDirectoryEndsTheUsersSessions() throws Exception {
        String id = seed("00u-gina", System.currentTimeMillis() + 3_600_000);
        h.proxy().membershipApplier().apply(new dev.portcullis.membership.DirectoryEvent("ev-gina",
                dev.portcullis.membership.DirectoryEvent.Type.USER_DEACTIVATE, java.time.Instant.now(), "00u-gina",
                "gina@example.com", null, null, null));
        HttpResponse<String> r = send(request("GET", "/app/x", COOKIE + "=" + id).header("Sec-Fetch-Mode", "navigate"));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Set-Cookie").orElseThrow()).startsWith(COOKIE + "=;");
        assertThat(sessions.store().get(SessionIds.key(id))).isNull();
        assertThat(h.upstream.poll()).isNull();
    }

    /**
     * A membership change in the directory does not end the session: its next request refreshes it
     * at the issuer (so an added group works at once too) and goes on with the new token.
     */
    @Test
    void aMembershipChangeFromTheDirectoryRefreshesTheSessionAtItsNextRequest() throws Exception {
        String id = seed("00u-hank", System.currentTimeMillis() + 3_600_000);
        tokenRequests(); // the seeding's own
        assertThat(send(request("GET", "/app/x", COOKIE + "=" + id).header("Sec-Fetch-Mode", "cors")).statusCode())
                .isEqualTo(200);
        h.upstream.take();
        assertThat(tokenRequests()).as("an hour to go: no refresh").isZero();
        h.proxy().membershipApplier().apply(new dev.portcullis.membership.DirectoryEvent("ev-hank",
                dev.portcullis.membership.DirectoryEvent.Type.MEMBERSHIP_ADD, java.time.Instant.now(), "00u-hank",
                "hank@example.com", "00g-eng", "engineering", null));
        HttpResponse<String> r = send(request("GET", "/app/y", COOKIE + "=" + id).header("Sec-Fetch-Mode", "cors"));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Set-Cookie").orElseThrow()).startsWith(COOKIE + "=")
                .doesNotStartWith(COOKIE + "=" + id);
        assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("00u-hank");
        assertThat(tokenRequests()).as("one refresh at the token endpoint").isEqualTo(1);
    }

    @Test
    void anOperatorRevocationEndsTheUsersSessions() throws Exception {
        String id = seed("frank", System.currentTimeMillis() + 3_600_000);
        assertThat(send(request("GET", "/app/x", COOKIE + "=" + id).header("Sec-Fetch-Mode", "cors")).statusCode())
                .isEqualTo(200);
        h.upstream.take();
        HttpResponse<String> revoked = h.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + h.proxy().adminPort() + "/admin/revocations")).header("Authorization", "Bearer " + ADMIN_TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("{\"sub\":\"frank\",\"reason\":\"left\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(revoked.statusCode()).isLessThan(300);
        HttpResponse<String> r = send(request("GET", "/app/x", COOKIE + "=" + id).header("Sec-Fetch-Mode", "cors"));
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("session_expired");
        assertThat(sessions.store().get(SessionIds.key(id))).isNull();
        assertThat(h.upstream.poll()).isNull();
    }
}
