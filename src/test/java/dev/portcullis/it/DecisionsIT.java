package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every decision end to end over real sockets: what the client gets back and, above all, what
 * the upstream received (or that it received nothing).
 */
class DecisionsIT {
    private static final String INVALID_TOKEN = "Bearer realm=\"portcullis\", error=\"invalid_token\"";

    static Harness h;

    @BeforeAll
    static void start() throws Exception {
        h = new Harness().start();
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        h.upstream.clear();
    }

    private static String reader() {
        return h.token("alice@example.com", List.of("Everyone", "orders-readers"));
    }

    private static String admin() {
        return h.token("root@example.com", List.of("orders-admins"));
    }

    private static String rawGet(String target, String... headerLines) {
        StringBuilder sb = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + h.port() + "\r\n");
        for (String line : headerLines) {
            sb.append(line).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    private static void assertNothingForwarded() throws InterruptedException {
        assertThat(h.upstream.poll()).as("the upstream must receive nothing").isNull();
    }

    // ---- 200 ---------------------------------------------------------------------------------

    @Test
    void allowedRequestCarriesVerifiedIdentityAndForwardingHeaders() throws Exception {
        String token = h.token("alice@example.com", Map.of("groups", List.of("Everyone", "orders-readers"),
                "email", "alice@corp.example"));

        HttpResponse<String> res = h.get("/orders/42?x=1&y=%20", token);

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"upstream\":\"ok\"}");
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r).isNotNull();
        assertThat(r.requestLine()).isEqualTo("GET /orders/42?x=1&y=%20 HTTP/1.1");
        assertThat(r.all("X-Auth-Subject")).containsExactly("alice@example.com");
        assertThat(r.all("X-Auth-Groups")).containsExactly("Everyone,orders-readers");
        assertThat(r.all("X-Auth-Email")).containsExactly("alice@corp.example");
        assertThat(r.all("X-Auth-Issuer")).containsExactly("mock");
        assertThat(r.all("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(r.all("X-Forwarded-Proto")).containsExactly("http");
        assertThat(r.all("X-Forwarded-Host")).containsExactly("127.0.0.1:" + h.port());
        assertThat(r.all("Host")).containsExactly("127.0.0.1:" + h.upstream.port());
        assertThat(r.header("Authorization")).as("the token stays at the proxy").isNull();
        assertThat(r.all("X-Request-Id")).hasSize(1);
        assertThat(r.header("X-Request-Id")).isNotBlank();
    }

    @Test
    void requestIdReachesUpstreamAndComesBackToTheClient() throws Exception {
        HttpResponse<String> res = h.get("/orders/1", reader());

        assertThat(res.statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.header("X-Request-Id")).isNotBlank();
        assertThat(res.headers().firstValue("X-Request-Id"))
                .as("the client can quote the id the upstream logged").hasValue(r.header("X-Request-Id"));
    }

    @Test
    void requestIdsAreUniquePerRequest() throws Exception {
        h.get("/orders/1", reader());
        h.get("/orders/2", reader());
        String first = h.upstream.take().header("X-Request-Id");
        String second = h.upstream.take().header("X-Request-Id");
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void lowerCaseBearerSchemeIsAccepted() throws Exception {
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(rawGet("/orders/7", "Authorization: bearer " + reader()));
            assertThat(res.status()).isEqualTo(200);
        }
        assertThat(h.upstream.take().header("X-Auth-Subject")).isEqualTo("alice@example.com");
    }

    // ---- 401 ---------------------------------------------------------------------------------

    static Stream<Arguments> invalidTokens() {
        return Stream.of(
                Arguments.of("expired a minute ago", (Function<Harness, String>) x ->
                        x.token("default", "alice", Harness.AUDIENCE, Map.of("groups", List.of("orders-readers")), -60),
                        "token_expired"),
                Arguments.of("minted for another API", (Function<Harness, String>) x ->
                        x.token("default", "alice", "api://other", Map.of("groups", List.of("orders-readers")), 300),
                        "audience_mismatch"),
                Arguments.of("from an issuer we do not trust", (Function<Harness, String>) x ->
                        x.token("elsewhere", "alice", Harness.AUDIENCE, Map.of("groups", List.of("orders-readers")),
                                300),
                        "issuer_unknown"),
                Arguments.of("valid for longer than max_token_lifetime (1h)", (Function<Harness, String>) x ->
                        x.token("default", "alice", Harness.AUDIENCE, Map.of("groups", List.of("orders-readers")),
                                7200),
                        "token_lifetime_too_long"),
                Arguments.of("not a JWT at all", (Function<Harness, String>) x -> "garbage.token", "token_malformed"),
                Arguments.of("signature of another token", (Function<Harness, String>) x -> {
                    String[] a = x.token("alice", List.of("orders-readers")).split("\\.");
                    String[] b = x.token("mallory", List.of("orders-admins")).split("\\.");
                    return b[0] + "." + b[1] + "." + a[2];
                }, "signature_invalid"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidTokens")
    void invalidTokenIs401WithBearerChallengeAndIsNotForwarded(String why, Function<Harness, String> mint,
            String reason) throws Exception {
        HttpResponse<String> res = h.get("/orders/42", mint.apply(h));

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.headers().firstValue("WWW-Authenticate")).hasValue(INVALID_TOKEN);
        assertThat(res.headers().firstValue("Content-Type")).hasValue("application/json");
        assertThat(res.body()).contains("\"reason\":\"" + reason + "\"");
        assertNothingForwarded();
    }

    @Test
    void twoAuthorizationHeadersAreRefusedEvenWhenBothAreValid() throws Exception {
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(rawGet("/orders/42",
                    "Authorization: Bearer " + reader(), "Authorization: Bearer " + admin()));

            assertThat(res.status()).isEqualTo(401);
            assertThat(res.header("WWW-Authenticate"))
                    .isEqualTo("Bearer realm=\"portcullis\", error=\"invalid_request\"");
            assertThat(res.bodyText()).contains("\"reason\":\"authorization_duplicated\"");
        }
        assertNothingForwarded();
    }

    @Test
    void tokenInTheQueryStringIsNotAToken() throws Exception {
        HttpResponse<String> res = h.get("/orders/42?access_token=" + reader(), null);

        assertThat(res.statusCode()).isEqualTo(401);
        assertThat(res.body()).contains("\"reason\":\"token_missing\"");
        assertNothingForwarded();
    }

    @Test
    void twoHostHeadersAreRefused() throws Exception {
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(rawGet("/public/x", "Host: internal.example"));
            assertThat(res.status()).isEqualTo(400);
        }
        assertNothingForwarded();
    }

    // ---- 403 ---------------------------------------------------------------------------------

    @Test
    void callerWithoutAnAllowedGroupIs403() throws Exception {
        HttpResponse<String> res = h.get("/orders/42", h.token("carol", List.of("Everyone", "engineering")));

        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("\"reason\":\"group_denied\"");
        assertNothingForwarded();
    }

    @Test
    void denyRuleWinsOverAnAllowedGroup() throws Exception {
        HttpResponse<String> res = h.get("/orders/42", h.token("dave", List.of("orders-admins", "suspended")));

        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("\"reason\":\"deny_rule\"");
        assertNothingForwarded();
    }

    @Test
    void readerMayNotPost() throws Exception {
        HttpResponse<String> res = h.send("POST", "/orders", reader(), "{\"item\":\"x\"}");

        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("\"reason\":\"group_denied\"");
        assertNothingForwarded();
    }

    @Test
    void adminPostArrivesWithItsBodyIntact() throws Exception {
        String body = "{\"item\":\"caf\u00e9 \u2615\",\"qty\":3,\"note\":\"line1\\nline2\"}";

        HttpResponse<String> res = h.send("POST", "/orders/new", admin(), body);

        assertThat(res.statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.method()).isEqualTo("POST");
        assertThat(r.target()).isEqualTo("/orders/new");
        assertThat(r.body()).isEqualTo(body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.header("Content-Length")).isEqualTo(String.valueOf(body.getBytes(StandardCharsets.UTF_8).length));
        assertThat(r.header("X-Auth-Subject")).isEqualTo("root@example.com");
    }

    @ParameterizedTest(name = "groups [{0}] are not orders-readers")
    @ValueSource(strings = {"not-orders-readers", "orders-readers-admin", "Orders-Readers", "orders-readers ",
        "orders-readers,orders-admins", "orders"})
    void groupNamesCompareExactly(String group) throws Exception {
        HttpResponse<String> res = h.get("/orders/42", h.token("eve", List.of(group)));

        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("\"reason\":\"group_denied\"");
        assertNothingForwarded();
    }

    // ---- scopes --------------------------------------------------------------------------------

    static Stream<Arguments> scopeClaims() {
        return Stream.of(
                Arguments.of(Map.of("scope", "openid reports.read"), 200),
                Arguments.of(Map.of("scp", List.of("profile", "reports.read")), 200),
                Arguments.of(Map.of("scope", "reports.readonly reports.write"), 403),
                Arguments.of(Map.of("scp", List.of("Reports.Read")), 403),
                Arguments.of(Map.of("groups", List.of("orders-admins", "reports.read")), 403));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("scopeClaims")
    void reportsNeedTheReportsReadScope(Map<String, Object> claims, int status) throws Exception {
        HttpResponse<String> res = h.get("/reports/q1", h.token("frank", claims));

        assertThat(res.statusCode()).isEqualTo(status);
        if (status == 200) {
            RecordingUpstream.Received r = h.upstream.take();
            assertThat(r.target()).isEqualTo("/reports/q1");
            assertThat(r.header("X-Auth-Scopes")).contains("reports.read");
        } else {
            assertThat(res.body()).contains("\"reason\":\"group_denied\"");
            assertNothingForwarded();
        }
    }

    @Test
    void singleSegmentWildcardDoesNotMatchDeeperPaths() throws Exception {
        HttpResponse<String> res = h.get("/reports/q1/raw", h.token("frank", Map.of("scope", "reports.read")));

        assertThat(res.statusCode()).isEqualTo(404);
        assertNothingForwarded();
    }

    // ---- routing ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/nothing/here", "/orders-archive/1", "/ordersX", "/", "/PUBLIC/readme"})
    void pathWithoutRouteIs404AndNothingIsForwarded(String path) throws Exception {
        HttpResponse<String> res = h.get(path, admin());

        assertThat(res.statusCode()).isEqualTo(404);
        assertThat(res.body()).contains("\"reason\":\"no_route\"");
        assertNothingForwarded();
    }

    @Test
    void publicRouteNeedsNoToken() throws Exception {
        HttpResponse<String> res = h.get("/public/readme.txt", null);

        assertThat(res.statusCode()).isEqualTo(200);
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r.target()).isEqualTo("/public/readme.txt");
        assertThat(r.header("X-Auth-Subject")).isNull();
        assertThat(r.header("X-Auth-Groups")).isNull();
    }

    // ---- path normalization: the path judged is the path forwarded ------------------------------

    static Stream<Arguments> trickyPaths() {
        return Stream.of(
                // raw target, token?, expected status, what the upstream must receive (null: nothing)
                Arguments.of("/public/../orders/1", false, 401, null),
                Arguments.of("/public/%2e%2e/orders/1", false, 401, null),
                Arguments.of("/public/%2E%2E/orders/1", false, 401, null),
                Arguments.of("/public//../orders/1", false, 401, null),
                Arguments.of("/public/./../orders/1", false, 401, null),
                Arguments.of("/public/../orders/1", true, 200, "/orders/1"),
                Arguments.of("/orders/%2e%2e/public/x", false, 200, "/public/x"),
                Arguments.of("/orders/../public/x?q=1", false, 200, "/public/x?q=1"),
                Arguments.of("/public/%78", false, 200, "/public/x"),
                Arguments.of("/orders%2F1", false, 400, null),
                Arguments.of("/orders%2f1", true, 400, null),
                Arguments.of("/public/..%2Forders/1", false, 400, null),
                Arguments.of("/public/..%5Corders/1", false, 400, null),
                Arguments.of("/public;x=1/../orders/1", false, 400, null),
                Arguments.of("/../orders/1", true, 400, null),
                Arguments.of("/public/%00", false, 400, null));
    }

    @ParameterizedTest(name = "{0} (token: {1}) -> {2}")
    @MethodSource("trickyPaths")
    void pathIsJudgedAfterNormalizationAndForwardedAsJudged(String target, boolean withToken, int status,
            String forwarded) throws Exception {
        String request = withToken ? rawGet(target, "Authorization: Bearer " + reader()) : rawGet(target);
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(request);
            assertThat(res.status()).isEqualTo(status);
            if (status == 400) {
                assertThat(res.bodyText()).contains("\"reason\":\"path_rejected\"");
            }
        }
        if (forwarded == null) {
            assertNothingForwarded();
        } else {
            RecordingUpstream.Received r = h.upstream.take();
            assertThat(r.target()).isEqualTo(forwarded);
            assertThat(h.upstream.poll()).isNull();
        }
    }
}
