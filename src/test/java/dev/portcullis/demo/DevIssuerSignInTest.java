package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The dev issuer as a browser-facing OIDC provider, over real HTTP, without a browser. */
class DevIssuerSignInTest {
    static final String SECRET = "test-client-secret";
    static final String REDIRECT = "http://127.0.0.1:4321/.portcullis/callback";
    private static final Pattern HANDLE = Pattern.compile("name=\"request\" value=\"([^\"]+)\"");
    private static DevIssuer issuer;

    @BeforeAll
    static void start() {
        issuer = DevIssuer.start(0);
        issuer.registerClient(BrowserClient.demo(SECRET));
        issuer.registerClient(new BrowserClient("other-app", "other-secret",
                List.of(URI.create("http://127.0.0.1:5555/cb")), List.of()));
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    private static CodeFlow flow() {
        return new CodeFlow(issuer, DevIssuer.CLIENT_ID, SECRET, REDIRECT);
    }

    /** GET the sign-in page, pick {@code user}: the 302 back to the client. */
    static HttpResponse<String> pick(String authorizeUrl, String field) {
        HttpResponse<String> page = CodeFlow.send(HttpRequest.newBuilder(URI.create(authorizeUrl)).GET());
        assertThat(page.statusCode()).as(page.body()).isEqualTo(200);
        Matcher m = HANDLE.matcher(page.body());
        assertThat(m.find()).as(page.body()).isTrue();
        return post(issuer.authorizationEndpoint(), "request=" + m.group(1) + "&" + field);
    }

    static HttpResponse<String> post(String url, String form) {
        return CodeFlow.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    private static String code(CodeFlow flow, String user) {
        HttpResponse<String> back = pick(flow.authorizeUrl(), "user=" + user);
        assertThat(back.statusCode()).isEqualTo(302);
        String location = back.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith(REDIRECT + "?");
        assertThat(CodeFlow.query(location)).containsEntry("state", flow.state).doesNotContainKey("error");
        return CodeFlow.query(location).get("code");
    }

    /** Verified with the issuer's published JWKS, as any relying party would. */
    private static JWTClaimsSet claims(String jwt) throws Exception {
        JWKSet keys = JWKSet.parse(TestHttp.get(issuer.jwksUri()).body());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(keys)));
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
        return processor.process(jwt, null);
    }

    @Test
    void discoveryNamesTheBrowserEndpoints() {
        JsonNode doc = TestHttp.json(TestHttp.get(issuer.issuer() + "/.well-known/openid-configuration"));

        assertThat(doc.path("authorization_endpoint").asText()).isEqualTo(issuer.authorizationEndpoint());
        assertThat(doc.path("end_session_endpoint").asText()).isEqualTo(issuer.endSessionEndpoint());
        assertThat(doc.path("code_challenge_methods_supported").toString()).isEqualTo("[\"S256\"]");
        assertThat(doc.path("response_types_supported").toString()).isEqualTo("[\"code\"]");
        assertThat(doc.path("grant_types_supported").toString()).contains("authorization_code", "refresh_token");
        assertThat(doc.path("scopes_supported").toString()).contains("offline_access");
    }

    @Test
    void theSignInPageIsAUserPickerWithoutScript() {
        HttpResponse<String> page = TestHttp.get(flow().authorizeUrl());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                p -> assertThat(p).contains("default-src 'none'"));
        assertThat(page.body()).contains("<form method=\"post\"", "Sign in as alice", "Sign in as carol",
                "orders-readers", "engineering", "id=\"cancel\"").doesNotContain("<script");
    }

    @Test
    void codeFlowIssuesTokensAndRefreshRotatesWithReuseDetection() throws Exception {
        CodeFlow flow = flow();
        HttpResponse<String> tokens = flow.redeem(code(flow, "carol"));

        assertThat(tokens.statusCode()).as(tokens.body()).isEqualTo(200);
        assertThat(tokens.headers().firstValue("Cache-Control")).hasValue("no-store");
        JsonNode body = CodeFlow.json(tokens);
        assertThat(body.path("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.path("expires_in").asLong()).isEqualTo(issuer.tokenLifetime().toSeconds());
        JWTClaimsSet access = claims(body.path("access_token").asText());
        assertThat(access.getSubject()).isEqualTo("carol@example.com");
        assertThat(access.getAudience()).containsExactly(DevIssuer.AUDIENCE);
        assertThat(access.getStringListClaim("groups")).containsExactly("Everyone", "engineering");
        JWTClaimsSet id = claims(body.path("id_token").asText());
        assertThat(id.getAudience()).containsExactly(DevIssuer.CLIENT_ID);
        assertThat(id.getStringClaim("nonce")).isEqualTo(flow.nonce);
        assertThat(id.getIssuer()).isEqualTo(issuer.issuer());
        String first = body.path("refresh_token").asText();
        assertThat(first).hasSizeGreaterThanOrEqualTo(43);

        JsonNode second = CodeFlow.json(flow.refresh(first));
        String rotated = second.path("refresh_token").asText();
        assertThat(rotated).isNotEmpty().isNotEqualTo(first);
        assertThat(claims(second.path("access_token").asText()).getSubject()).isEqualTo("carol@example.com");
        assertThat(claims(second.path("id_token").asText()).getClaim("nonce")).isNull();

        // The rotated-away token presented again: refused, and its whole family with it.
        HttpResponse<String> reuse = flow.refresh(first);
        assertThat(reuse.statusCode()).isEqualTo(400);
        assertThat(CodeFlow.json(reuse).path("error").asText()).isEqualTo("invalid_grant");
        HttpResponse<String> successor = flow.refresh(rotated);
        assertThat(successor.statusCode()).isEqualTo(400);
        assertThat(CodeFlow.json(successor).path("error").asText()).isEqualTo("invalid_grant");
    }

    @Test
    void refreshCarriesTheDirectoryGroupsOfNow() throws Exception {
        CodeFlow flow = flow();
        JsonNode body = CodeFlow.json(flow.redeem(code(flow, "alice")));
        assertThat(claims(body.path("access_token").asText()).getStringListClaim("groups")).doesNotContain("engineering");

        HttpResponse<String> change = CodeFlow.send(HttpRequest.newBuilder(URI.create(issuer.membershipEndpoint()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"user\":\"alice\",\"group\":\"engineering\",\"action\":\"add\"}")));
        assertThat(change.statusCode()).as(change.body()).isLessThan(300);
        try {
            JsonNode refreshed = CodeFlow.json(flow.refresh(body.path("refresh_token").asText()));
            assertThat(claims(refreshed.path("access_token").asText()).getStringListClaim("groups"))
                    .contains("engineering");
        } finally {
            CodeFlow.send(HttpRequest.newBuilder(URI.create(issuer.membershipEndpoint()))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                            "{\"user\":\"alice\",\"group\":\"engineering\",\"action\":\"remove\"}")));
        }
    }

    @Test
    void aReplayedCodeIsInvalidGrant() {
        CodeFlow flow = flow();
        String code = code(flow, "alice");
        assertThat(flow.redeem(code).statusCode()).isEqualTo(200);

        HttpResponse<String> again = flow.redeem(code);

        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(CodeFlow.json(again).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(CodeFlow.json(again).has("access_token")).isFalse();
    }

    /** Each check of the code grant fails closed, and the code is spent by the failure. */
    @ParameterizedTest
    @CsvSource({
        "pkce-mismatch", "pkce-missing", "wrong-redirect", "redirect-other-port", "other-client",
    })
    void codeGrantChecksFailClosed(String mutation) {
        CodeFlow flow = flow();
        String code = code(flow, "alice");
        HttpResponse<String> r = switch (mutation) {
            case "pkce-mismatch" -> flow.redeem(code, CodeFlow.random(48), REDIRECT);
            case "pkce-missing" -> post(issuer.tokenEndpoint(), CodeFlow.form(Map.of("grant_type",
                    "authorization_code", "code", code, "redirect_uri", REDIRECT, "client_id", DevIssuer.CLIENT_ID,
                    "client_secret", SECRET)));
            case "wrong-redirect" -> flow.redeem(code, flow.verifier, "http://127.0.0.1:4321/elsewhere");
            case "redirect-other-port" -> flow.redeem(code, flow.verifier, "http://127.0.0.1:4322/.portcullis/callback");
            case "other-client" -> new CodeFlow(issuer, "other-app", "other-secret", REDIRECT).redeem(code,
                    flow.verifier, REDIRECT);
            default -> throw new IllegalArgumentException(mutation);
        };

        assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
        assertThat(CodeFlow.json(r).path("error").asText()).isEqualTo("invalid_grant");
        assertThat(flow.redeem(code).statusCode()).as("the code is spent").isEqualTo(400);
    }

    @Test
    void aWrongClientSecretIsInvalidClient() {
        CodeFlow flow = flow();
        String code = code(flow, "alice");

        HttpResponse<String> r = new CodeFlow(issuer, DevIssuer.CLIENT_ID, "wrong", REDIRECT).redeem(code,
                flow.verifier, REDIRECT);

        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(CodeFlow.json(r).path("error").asText()).isEqualTo("invalid_client");
    }

    /** Before the redirect URI is known good nothing is sent to it; after, errors go back to it with the state. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "client_id=nobody                                              | page     | invalid_client",
        "redirect_uri=http://127.0.0.1:4321/other                      | page     | invalid_request",
        "redirect_uri=http://evil.example/.portcullis/callback          | page     | invalid_request",
        "redirect_uri=http://127.0.0.1.evil.example/.portcullis/callback | page    | invalid_request",
        "redirect_uri=http://user@127.0.0.1:4321/.portcullis/callback   | page     | invalid_request",
        "redirect_uri=http://127.0.0.1:4321/.portcullis/callback#x      | page     | invalid_request",
        "redirect_uri=http://127.0.0.1:4321/.portcullis/%63allback      | page     | invalid_request",
        "redirect_uri=                                                  | page     | invalid_request",
        "response_type=token                                            | redirect | unsupported_response_type",
        "scope=profile email                                            | redirect | invalid_scope",
        "scope=openid admin                                             | redirect | invalid_scope",
        "code_challenge_method=plain                                    | redirect | invalid_request",
        "code_challenge_method=                                         | redirect | invalid_request",
        "code_challenge=short                                           | redirect | invalid_request",
    })
    void authorizationRequestsAreChecked(String change, String answer, String error) {
        CodeFlow flow = flow();
        Map<String, String> q = new java.util.HashMap<>(CodeFlow.query(flow.authorizeUrl()));
        int eq = change.indexOf('=');
        q.put(change.substring(0, eq), change.substring(eq + 1));

        HttpResponse<String> r = TestHttp.get(issuer.authorizationEndpoint() + "?" + CodeFlow.form(q));

        if (answer.equals("page")) {
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.headers().firstValue("Location")).isEmpty();
            assertThat(r.body()).contains(error).doesNotContain("Sign in as");
        } else {
            assertThat(r.statusCode()).isEqualTo(302);
            Map<String, String> back = CodeFlow.query(r.headers().firstValue("Location").orElseThrow());
            assertThat(back).containsEntry("error", error).containsEntry("state", flow.state).doesNotContainKey("code");
        }
    }

    @Test
    void cancelSendsAccessDeniedAndTheRequestHandleIsOneTime() {
        CodeFlow flow = flow();
        HttpResponse<String> page = TestHttp.get(flow.authorizeUrl());
        Matcher m = HANDLE.matcher(page.body());
        assertThat(m.find()).isTrue();

        HttpResponse<String> cancel = post(issuer.authorizationEndpoint(), "request=" + m.group(1) + "&cancel=1");
        assertThat(cancel.statusCode()).isEqualTo(302);
        assertThat(CodeFlow.query(cancel.headers().firstValue("Location").orElseThrow()))
                .containsEntry("error", "access_denied").containsEntry("state", flow.state).doesNotContainKey("code");

        HttpResponse<String> again = post(issuer.authorizationEndpoint(), "request=" + m.group(1) + "&user=alice");
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.headers().firstValue("Location")).isEmpty();
    }

    @Test
    void endSessionRedirectsOnlyToARegisteredUriWithAValidHint() {
        CodeFlow flow = flow();
        String idToken = CodeFlow.json(flow.redeem(code(flow, "alice"))).path("id_token").asText();
        String back = "http://127.0.0.1:4321/app/";

        HttpResponse<String> ok = TestHttp.get(issuer.endSessionEndpoint() + "?" + CodeFlow.form(Map.of(
                "id_token_hint", idToken, "post_logout_redirect_uri", back, "state", "s1")));
        assertThat(ok.statusCode()).isEqualTo(302);
        assertThat(ok.headers().firstValue("Location")).hasValue(back + "?state=s1");

        HttpResponse<String> page = TestHttp.get(issuer.endSessionEndpoint());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("signed out");

        for (Map<String, String> bad : List.of(
                Map.of("post_logout_redirect_uri", back),
                Map.of("id_token_hint", idToken, "post_logout_redirect_uri", "http://evil.example/"),
                Map.of("id_token_hint", idToken, "post_logout_redirect_uri", "http://127.0.0.1:4321/other"),
                Map.of("id_token_hint", issuer.mintWithUnpublishedKey("alice"), "post_logout_redirect_uri", back))) {
            HttpResponse<String> r = TestHttp.get(issuer.endSessionEndpoint() + "?" + CodeFlow.form(bad));
            assertThat(r.statusCode()).as("%s", bad).isEqualTo(400);
            assertThat(r.headers().firstValue("Location")).as("%s", bad).isEmpty();
        }
    }

    @Test
    void aSuspendedUsersRefreshFailsAndEndsTheFamily() {
        CodeFlow flow = flow();
        String refresh = CodeFlow.json(flow.redeem(code(flow, "bob"))).path("refresh_token").asText();
        assertThat(admin("bob", "suspend").statusCode()).isLessThan(300);
        try {
            HttpResponse<String> r = flow.refresh(refresh);

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(CodeFlow.json(r).path("error").asText()).isEqualTo("invalid_grant");
        } finally {
            admin("bob", "unsuspend");
        }
        assertThat(flow.refresh(refresh).statusCode()).as("the family stays revoked").isEqualTo(400);
    }

    private static HttpResponse<String> admin(String user, String action) {
        return CodeFlow.send(HttpRequest.newBuilder(URI.create(issuer.membershipEndpoint()))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"user\":\"" + user + "\",\"action\":\"" + action + "\"}")));
    }
}
