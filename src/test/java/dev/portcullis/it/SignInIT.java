package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.session.Session;
import dev.portcullis.session.SessionIds;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Browser sign-in over real sockets: the real proxy, {@code mock-oauth2-server} as the issuer (its
 * authorization endpoint issues a code without a login page; its token endpoint checks PKCE and
 * takes each code once), a browser played by hand with a cookie jar, every redirect followed
 * explicitly.
 */
class SignInIT {
    static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0 }
            server: { key_wait_timeout: 2s }
            issuers:
              - id: mock
                issuer: %ISSUER%
                audiences: [api://portcullis]
                clock_skew: 5s
                client:
                  client_id: portcullis-web
                  client_secret_file: %SECRET%
                  post_logout_redirect_uri: https://gate.example/signed-out
            routes:
              - id: app
                match: { path: /app/** }
                upstream: %UPSTREAM%
                login: browser
                allow: [ { groups_any: [engineering] } ]
            """;
    private static Harness h;
    private static AuditCapture audit;

    static String config(String yaml) throws Exception {
        Path secret = Files.createTempFile("client-secret", "");
        Files.writeString(secret, "s3cret-not-in-config\n");
        return yaml.replace("%SECRET%", secret.toString());
    }

    @BeforeAll
    static void start() throws Exception {
        audit = new AuditCapture();
        h = new Harness().start(config(CONFIG));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
        audit.close();
    }

    /** Starts a sign-in at the proxy; returns the authorization URL it redirected to. */
    static String startSignIn(Browser b, String rd) throws Exception {
        HttpResponse<String> r = b.get("/.portcullis/sign_in" + (rd == null ? "" : "?rd="
                + URLEncoder.encode(rd, StandardCharsets.UTF_8)));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(302);
        return Browser.location(r);
    }

    /** The issuer's answer to an authorization URL: the callback URL with code and state. */
    static String authorize(Browser b, String authorizationUrl) throws Exception {
        return Browser.location(b.send("GET", authorizationUrl, Map.of()));
    }

    static Map<String, String> query(String url) {
        Map<String, String> q = new HashMap<>();
        String raw = URI.create(url).getRawQuery();
        for (String p : raw.split("&")) {
            int eq = p.indexOf('=');
            q.put(p.substring(0, eq), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    /** The proxy's part of a callback URL (the issuer redirects to it with the browser's Host). */
    static String callbackPath(String callbackUrl) {
        URI u = URI.create(callbackUrl);
        return u.getRawPath() + "?" + u.getRawQuery();
    }

    private static Session session(Browser b) {
        String id = b.cookies.get("portcullis");
        return id == null ? null : h.proxy().gate().sessions().store().get(SessionIds.key(id));
    }

    static void assertErrorPage(HttpResponse<String> r, int status, String reason) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(r.headers().firstValue("content-security-policy").orElseThrow()).contains("default-src 'none'");
        String requestId = r.headers().firstValue("x-request-id").orElseThrow();
        assertThat(r.body()).contains(requestId).contains(reason).contains("/.portcullis/sign_in")
                .doesNotContain("Exception").doesNotContain("at dev.portcullis").doesNotContain("\tat ");
    }

    @Test
    void signInEstablishesASessionAndReturnsWhereItStarted() throws Exception {
        Browser b = new Browser(h.port());
        String auth = startSignIn(b, "/app/orders?tab=2");
        Map<String, String> q = query(auth);
        assertThat(q).containsEntry("response_type", "code").containsEntry("client_id", "portcullis-web")
                .containsEntry("code_challenge_method", "S256")
                .containsEntry("redirect_uri", b.url("/.portcullis/callback"));
        assertThat(q.get("scope").split(" ")).contains("openid", "offline_access");
        assertThat(q.get("state")).hasSize(43);
        assertThat(q.get("nonce")).hasSize(43).isNotEqualTo(q.get("state"));
        assertThat(q.get("code_challenge")).hasSize(43);
        assertThat(b.cookies.keySet()).singleElement().asString().startsWith("portcullis-sign-in-");
        String signInCookie = b.cookies.values().iterator().next();
        assertThat(signInCookie).doesNotContain(q.get("nonce")).doesNotContain(q.get("state"));

        HttpResponse<String> done = b.get(callbackPath(authorize(b, auth)));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(302);
        assertThat(Browser.location(done)).isEqualTo("/app/orders?tab=2");
        assertThat(done.headers().allValues("set-cookie")).anySatisfy(c -> assertThat(c)
                .startsWith("portcullis=").contains("HttpOnly").contains("SameSite=Lax").contains("Path=/"));
        assertThat(b.cookies.keySet()).containsExactly("portcullis"); // the sign-in cookie is cleared
        Session s = session(b);
        assertThat(s).isNotNull();
        assertThat(s.issuerId()).isEqualTo("mock");
        assertThat(s.tokens().accessToken()).isNotNull();
        assertThat(s.tokens().refreshToken()).isNotNull();
        assertThat(s.tokens().idToken()).isNotNull();
        var line = audit.await(l -> "signed_in".equals(l.path("reason").asText()) && l.path("status").asInt() == 302
                && "/.portcullis/callback".equals(l.path("path").asText()) && l.path("subject").asText().equals(s.subject()));
        assertThat(line.path("issuer").asText()).isEqualTo("mock");
        assertThat(audit.lines()).noneMatch(l -> l.path("path").asText().contains("code="));
    }

    @Test
    void twoTabsSigningInAtOnceBothSucceed() throws Exception {
        Browser b = new Browser(h.port());
        String first = startSignIn(b, "/app/one");
        String second = startSignIn(b, "/app/two");
        assertThat(b.cookies).hasSize(2);
        HttpResponse<String> two = b.get(callbackPath(authorize(b, second)));
        assertThat(Browser.location(two)).isEqualTo("/app/two");
        HttpResponse<String> one = b.get(callbackPath(authorize(b, first)));
        assertThat(Browser.location(one)).isEqualTo("/app/one");
        assertThat(session(b)).isNotNull();
    }

    @Test
    void abandonedSignInsPileUpNoFurtherThanFive() throws Exception {
        Browser b = new Browser(h.port());
        for (int i = 0; i < 5; i++) {
            startSignIn(b, "/app/");
        }
        assertThat(b.cookies).hasSize(5);
        HttpResponse<String> sixth = b.get("/.portcullis/sign_in?rd=/app/");
        List<String> set = sixth.headers().allValues("set-cookie");
        assertThat(set).filteredOn(c -> c.contains("Max-Age=0")).hasSize(5);
        assertThat(b.cookies).hasSize(1);
        assertThat(Browser.location(b.get(callbackPath(authorize(b, Browser.location(sixth)))))).isEqualTo("/app/");
    }

    @Test
    void aHeadOnTheCallbackDoesNotTakeTheSignIn() throws Exception {
        Browser b = new Browser(h.port());
        String callback = callbackPath(authorize(b, startSignIn(b, "/app/x")));
        assertThat(b.send("HEAD", b.url(callback), Map.of()).statusCode()).isEqualTo(405);
        assertThat(Browser.location(b.get(callback))).isEqualTo("/app/x");
    }

    @Test
    void aMissingStateIsAnErrorPage() throws Exception {
        Browser b = new Browser(h.port());
        startSignIn(b, "/app/");
        HttpResponse<String> r = b.get("/.portcullis/callback?code=abc");
        assertErrorPage(r, 400, "sign_in_state_invalid");
        assertThat(session(b)).isNull();
        h.metricsOnce("reason=\"sign_in_state_invalid\"");
        assertThat(h.metrics()).contains("reason=\"sign_in_state_invalid\"");
    }

    @Test
    void anotherStateIsAnErrorPage() throws Exception {
        Browser b = new Browser(h.port());
        String callback = authorize(b, startSignIn(b, "/app/"));
        String other = callbackPath(callback).replaceAll("state=[^&]+", "state=" + "A".repeat(43));
        assertErrorPage(b.get(other), 400, "sign_in_state_invalid");
        assertThat(session(b)).isNull();
    }

    @Test
    void aTamperedSignInCookieIsAnErrorPage() throws Exception {
        Browser b = new Browser(h.port());
        String callback = authorize(b, startSignIn(b, "/app/"));
        String name = b.cookies.keySet().iterator().next();
        String v = b.cookies.get(name);
        int at = v.length() - 30;
        b.cookies.put(name, v.substring(0, at) + (v.charAt(at) == 'A' ? 'B' : 'A') + v.substring(at + 1));
        assertErrorPage(b.get(callbackPath(callback)), 400, "sign_in_state_invalid");
        assertThat(session(b)).isNull();
    }

    @Test
    void aCookieWithoutItsSignInIsAnErrorPage() throws Exception {
        Browser victim = new Browser(h.port());
        String callback = authorize(victim, startSignIn(victim, "/app/"));
        Browser attacker = new Browser(h.port()); // the callback URL alone, without the browser's cookie
        assertErrorPage(attacker.get(callbackPath(callback)), 400, "sign_in_state_invalid");
        assertThat(session(attacker)).isNull();
    }

    /**
     * A code issued for another sign-in (another PKCE challenge) brought to this sign-in's callback
     * (code injection): the exchange sends this sign-in's verifier, the issuer refuses it.
     */
    @Test
    void theVerifierOfAnotherSignInFailsClosed() throws Exception {
        Browser b = new Browser(h.port());
        String mine = startSignIn(b, "/app/");
        String theirs = startSignIn(b, "/app/");
        String theirCode = query(authorize(b, theirs)).get("code");
        String myState = query(mine).get("state");
        HttpResponse<String> r = b.get("/.portcullis/callback?code=" + URLEncoder.encode(theirCode,
                StandardCharsets.UTF_8) + "&state=" + myState);
        assertErrorPage(r, 400, "sign_in_code_rejected");
        assertThat(session(b)).isNull();
    }

    @Test
    void aNonceOtherThanTheSignInsIsRefused() throws Exception {
        Browser b = new Browser(h.port());
        String auth = startSignIn(b, "/app/");
        String nonce = query(auth).get("nonce");
        String tampered = auth.replace("nonce=" + nonce, "nonce=someone-elses-nonce");
        assertThat(tampered).isNotEqualTo(auth);
        HttpResponse<String> r = b.get(callbackPath(authorize(b, tampered)));
        assertErrorPage(r, 401, "id_token_invalid");
        assertThat(session(b)).isNull();
    }

    /**
     * The callback replayed with the sign-in cookie kept: refused at the gate (each state is taken
     * once). mock-oauth2-server 3.0.1 would answer a replayed code with new tokens (without the nonce
     * and without checking PKCE again), which the nonce check would refuse next.
     */
    @Test
    void aReplayedCallbackIsRefused() throws Exception {
        Browser b = new Browser(h.port());
        String callback = callbackPath(authorize(b, startSignIn(b, "/app/")));
        Map<String, String> kept = new HashMap<>(b.cookies); // the attacker kept the sign-in cookie
        assertThat(b.get(callback).statusCode()).isEqualTo(302);
        Browser replay = new Browser(h.port());
        replay.cookies.putAll(kept);
        assertErrorPage(replay.get(callback), 400, "sign_in_state_invalid");
        assertThat(session(replay)).isNull();
    }

    /** A code already redeemed, brought to a fresh sign-in of another browser: no session comes of it. */
    @Test
    void aRedeemedCodeInAFreshSignInIsRefused() throws Exception {
        Browser victim = new Browser(h.port());
        String callback = authorize(victim, startSignIn(victim, "/app/"));
        assertThat(victim.get(callbackPath(callback)).statusCode()).isEqualTo(302);
        Browser attacker = new Browser(h.port());
        String state = query(startSignIn(attacker, "/app/")).get("state");
        HttpResponse<String> r = attacker.get("/.portcullis/callback?code=" + URLEncoder.encode(
                query(callback).get("code"), StandardCharsets.UTF_8) + "&state=" + state);
        // Okta answers invalid_grant (sign_in_code_rejected); mock-oauth2-server issues tokens again
        // but without this sign-in's nonce, which the ID token check refuses (id_token_invalid).
        assertThat(r.statusCode()).isIn(400, 401);
        assertErrorPage(r, r.statusCode(), r.statusCode() == 400 ? "sign_in_code_rejected" : "id_token_invalid");
        assertThat(session(attacker)).isNull();
    }

    @Test
    void declinedConsentIsAnErrorPage() throws Exception {
        Browser b = new Browser(h.port());
        String state = query(startSignIn(b, "/app/denied")).get("state");
        HttpResponse<String> r = b.get("/.portcullis/callback?error=access_denied&state=" + state
                + "&error_description=%3Cscript%3Ealert(1)%3C/script%3E");
        assertErrorPage(r, 403, "sign_in_denied");
        assertThat(r.body()).contains("href=\"/.portcullis/sign_in?rd=%2Fapp%2Fdenied\"").doesNotContain("<script");
        assertThat(b.cookies).isEmpty(); // the sign-in cookie is cleared
    }

    @ParameterizedTest
    @ValueSource(strings = {"//evil.example", "/\\evil.example", "/\t/evil.example", "https:evil.example",
        "http://evil.example", "///evil.example", "\\/evil.example", "/%2F%2Fevil.example", "/%5Cevil.example",
        "%2F%2Fevil.example", "javascript:alert(1)", "data:text/html,x", "", "relative/path",
        "/.portcullis/sign_out", "/..//evil.example", "/%252F%252Fevil", "/\n/evil.example", "https://evil.example",
        "//evil.example/%2F..", "/%09/evil.example", " //evil.example", "/app%0d%0aX:1", "\\\\evil.example",
        "HTTP://evil.example", "/%2e%2e//evil.example"})
    void aRefusedReturnUrlGoesToTheRoot(String rd) throws Exception {
        Browser b = new Browser(h.port());
        HttpResponse<String> done = b.get(callbackPath(authorize(b, startSignIn(b, rd))));
        assertThat(Browser.location(done)).as(rd).isEqualTo("/");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", "/app/", "/app/a%20b?x=%2F&y=1", "/app/orders#top"})
    void aSameOriginReturnPathIsKept(String rd) throws Exception {
        Browser b = new Browser(h.port());
        HttpResponse<String> done = b.get(callbackPath(authorize(b, startSignIn(b, rd))));
        assertThat(Browser.location(done)).isEqualTo(rd);
    }

    private static Browser signedIn() throws Exception {
        Browser b = new Browser(h.port());
        assertThat(b.get(callbackPath(authorize(b, startSignIn(b, "/app/")))).statusCode()).isEqualTo(302);
        assertThat(session(b)).isNotNull();
        return b;
    }

    @Test
    void signOutIsAPostFromThisOrigin() throws Exception {
        Browser b = signedIn();
        HttpResponse<String> page = b.get("/.portcullis/sign_out");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<form method=\"post\" action=\"/.portcullis/sign_out\"");
        assertThat(b.send("PUT", b.url("/.portcullis/sign_out"), Map.of()).statusCode()).isEqualTo(405);

        assertErrorPage(b.send("POST", b.url("/.portcullis/sign_out"), Map.of()), 403, "csrf_rejected");
        assertErrorPage(b.send("POST", b.url("/.portcullis/sign_out"), Map.of("Sec-Fetch-Site", "cross-site")),
                403, "csrf_rejected");
        assertErrorPage(b.send("POST", b.url("/.portcullis/sign_out"), Map.of("Sec-Fetch-Site", "same-site")),
                403, "csrf_rejected");
        assertErrorPage(b.send("POST", b.url("/.portcullis/sign_out"), Map.of("Origin", "https://evil.example")),
                403, "csrf_rejected");
        assertErrorPage(b.send("POST", b.url("/.portcullis/sign_out"), Map.of("Origin", "null")), 403,
                "csrf_rejected");
        Session s = session(b);
        assertThat(s).as("refused sign-outs leave the session").isNotNull();

        String id = b.cookies.get("portcullis");
        HttpResponse<String> out = b.send("POST", b.url("/.portcullis/sign_out"),
                Map.of("Origin", "http://127.0.0.1:" + h.port()));
        assertThat(out.statusCode()).isEqualTo(303);
        String to = Browser.location(out);
        assertThat(to).startsWith(h.issuerUrl() + "/endsession?");
        assertThat(query(to)).containsEntry("id_token_hint", s.tokens().idToken())
                .containsEntry("post_logout_redirect_uri", "https://gate.example/signed-out")
                .containsEntry("client_id", "portcullis-web");
        assertThat(b.cookies).doesNotContainKey("portcullis");
        assertThat(h.proxy().gate().sessions().store().get(SessionIds.key(id))).isNull();
    }

    @Test
    void signOutWithSecFetchSiteSameOrigin() throws Exception {
        Browser b = signedIn();
        String id = b.cookies.get("portcullis");
        HttpResponse<String> out = b.send("POST", b.url("/.portcullis/sign_out"),
                Map.of("Sec-Fetch-Site", "same-origin"));
        assertThat(out.statusCode()).isEqualTo(303);
        assertThat(h.proxy().gate().sessions().store().get(SessionIds.key(id))).isNull();
    }

    @Test
    void otherMethodsOnTheCallbackAreRefused() throws Exception {
        Browser b = new Browser(h.port());
        assertThat(b.send("POST", b.url("/.portcullis/callback?code=x&state=y"), Map.of()).statusCode())
                .isEqualTo(405);
        assertThat(b.get("/.portcullis/elsewhere").statusCode()).isEqualTo(404);
    }
}
