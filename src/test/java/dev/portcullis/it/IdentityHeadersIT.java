package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Upstreams trust the identity headers blindly, so only the proxy may write them: whatever a
 * client sends under those names (or names an upstream framework would read as the same) must
 * be gone, and the verified values must be there exactly once.
 */
class IdentityHeadersIT {
    /** Identity headers a client tries to smuggle in, in every spelling an upstream might fold together. */
    private static final List<String> FORGED = List.of(
            "X-Auth-Subject: mallory",
            "x-auth-subject: mallory-lower",
            "X-AUTH-SUBJECT: mallory-upper",
            "X_Auth_Subject: mallory-underscore",
            "X.Auth.Subject: mallory-dots",
            "X-Auth-Groups: orders-admins",
            "X-Auth-Groups: superusers",
            "X.Auth.Groups: orders-admins",
            "x_auth_groups: orders-admins",
            "X-Auth-Email: mallory@evil.example",
            "X-Auth-Issuer: mock",
            "X-Auth-Scopes: reports.read",
            "X-Request-Id: chosen-by-client");

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

    private static RecordingUpstream.Received forward(String target, List<String> headerLines) throws Exception {
        StringBuilder sb = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + h.port() + "\r\n");
        headerLines.forEach(l -> sb.append(l).append("\r\n"));
        try (RawHttp c = h.raw()) {
            RawHttp.Response res = c.exchange(sb.append("\r\n").toString());
            assertThat(res.status()).as(res.bodyText()).isEqualTo(200);
        }
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(r).as("the upstream received the request").isNotNull();
        return r;
    }

    private static List<String> with(List<String> a, String... more) {
        List<String> out = new java.util.ArrayList<>(a);
        out.addAll(List.of(more));
        return out;
    }

    /** Names that an upstream could read as one of the identity headers. */
    private static List<String> lookalikes(RecordingUpstream.Received r) {
        return r.names().stream()
                .filter(n -> n.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-').startsWith("x-auth-"))
                .toList();
    }

    @Test
    void forgedIdentityHeadersAreReplacedByTheVerifiedIdentity() throws Exception {
        String token = h.token("alice@example.com", List.of("orders-readers"));

        RecordingUpstream.Received r = forward("/orders/1", with(FORGED, "Authorization: Bearer " + token));

        assertThat(r.all("X-Auth-Subject")).containsExactly("alice@example.com");
        assertThat(r.all("X-Auth-Groups")).containsExactly("orders-readers");
        assertThat(r.all("X-Auth-Issuer")).containsExactly("mock");
        assertThat(r.all("X-Auth-Email")).as("the token has no email claim").isEmpty();
        assertThat(r.all("X-Auth-Scopes")).as("the token has no scopes").isEmpty();
        assertThat(lookalikes(r)).containsExactlyInAnyOrder("X-Auth-Subject", "X-Auth-Groups", "X-Auth-Issuer");
        assertThat(r.all("X-Request-Id")).hasSize(1).doesNotContain("chosen-by-client");
    }

    @Test
    void publicRouteStripsForgedIdentityAndAddsNone() throws Exception {
        RecordingUpstream.Received r = forward("/public/page", FORGED);

        assertThat(lookalikes(r)).as("no identity header of any spelling").isEmpty();
        assertThat(r.all("X-Request-Id")).hasSize(1).doesNotContain("chosen-by-client");
    }

    @Test
    void publicRouteWithAValidTokenStillAddsNoIdentityAndDropsTheToken() throws Exception {
        String token = h.token("alice@example.com", List.of("orders-readers"));

        RecordingUpstream.Received r = forward("/public/page", List.of("Authorization: Bearer " + token));

        assertThat(lookalikes(r)).isEmpty();
        assertThat(r.header("Authorization")).isNull();
    }

    @Test
    void connectionHeaderCannotRemoveTheProxysIdentityHeaders() throws Exception {
        String token = h.token("alice@example.com", Map.of("groups", List.of("orders-readers"),
                "email", "alice@corp.example"));

        RecordingUpstream.Received r = forward("/orders/1", List.of("Authorization: Bearer " + token,
                "Connection: keep-alive, X-Auth-Subject, X-Auth-Groups, X-Auth-Email, X-Request-Id, X-Forwarded-For"));

        assertThat(r.all("X-Auth-Subject")).containsExactly("alice@example.com");
        assertThat(r.all("X-Auth-Groups")).containsExactly("orders-readers");
        assertThat(r.all("X-Auth-Email")).containsExactly("alice@corp.example");
        assertThat(r.all("X-Request-Id")).hasSize(1);
        assertThat(r.all("X-Forwarded-For")).containsExactly("127.0.0.1");
    }

    @Test
    void hopByHopHeadersAndThoseNamedInConnectionAreNotForwarded() throws Exception {
        String token = h.token("alice@example.com", List.of("orders-readers"));

        RecordingUpstream.Received r = forward("/orders/1", List.of("Authorization: Bearer " + token,
                "Connection: keep-alive, X-Hop-Secret, Upgrade",
                "Keep-Alive: timeout=30, max=100",
                "TE: trailers, deflate",
                "Upgrade: websocket",
                "Proxy-Authorization: Basic cHJveHk6c2VjcmV0",
                "Proxy-Connection: keep-alive",
                "X-Hop-Secret: only-for-the-proxy",
                "X-End-To-End: kept"));

        assertThat(r.names()).extracting(n -> n.toLowerCase(Locale.ROOT)).doesNotContain("connection",
                "keep-alive", "te", "upgrade", "proxy-authorization", "proxy-connection", "x-hop-secret");
        assertThat(r.all("X-End-To-End")).containsExactly("kept");
        assertThat(r.header("X-Auth-Subject")).isEqualTo("alice@example.com");
    }

    @Test
    void untrustedForwardingHeadersAreReplacedNotAppended() throws Exception {
        String token = h.token("alice@example.com", List.of("orders-readers"));

        RecordingUpstream.Received r = forward("/orders/1", List.of("Authorization: Bearer " + token,
                "X-Forwarded-For: 1.2.3.4",
                "X-Forwarded-For: 5.6.7.8",
                "X-Forwarded-Proto: https",
                "X-Forwarded-Host: admin.internal",
                "X-Forwarded-Port: 443",
                "Forwarded: for=1.2.3.4;proto=https",
                "X-Real-IP: 1.2.3.4"));

        assertThat(r.all("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(r.all("X-Forwarded-Proto")).containsExactly("http");
        assertThat(r.all("X-Forwarded-Host")).containsExactly("127.0.0.1:" + h.port());
        assertThat(r.all("X-Forwarded-Port")).isEmpty();
        assertThat(r.all("Forwarded")).isEmpty();
        assertThat(r.all("X-Real-IP")).isEmpty();
    }

    @Test
    void trustedProxyChainIsExtendedWithTheClientAddress() throws Exception {
        try (Harness trusting = new Harness()) {
            trusting.start("trusted_proxies: [127.0.0.1/32]\n" + Harness.defaultConfig());
            String token = trusting.token("alice@example.com", List.of("orders-readers"));
            String request = "GET /orders/1 HTTP/1.1\r\nHost: 127.0.0.1:" + trusting.port() + "\r\n"
                    + "Authorization: Bearer " + token + "\r\nX-Forwarded-For: 1.2.3.4\r\n"
                    + "X-Forwarded-Proto: https\r\n\r\n";
            try (RawHttp c = trusting.raw()) {
                assertThat(c.exchange(request).status()).isEqualTo(200);
            }
            RecordingUpstream.Received r = trusting.upstream.take();
            assertThat(r.all("X-Forwarded-For")).containsExactly("1.2.3.4, 127.0.0.1");
            assertThat(r.all("X-Forwarded-Proto")).containsExactly("https");
        }
    }

    @Test
    void claimsCannotInjectHeaderLines() throws Exception {
        String token = h.token("zo\u00eb\r\nX-Auth-Groups: orders-admins",
                List.of("orders-readers", "x\r\nX-Auth-Subject: root", "caf\u00e9 50%"));

        RecordingUpstream.Received r = forward("/orders/1", List.of("Authorization: Bearer " + token));

        assertThat(r.all("X-Auth-Subject")).containsExactly("zo%C3%AB%0D%0AX-Auth-Groups: orders-admins");
        assertThat(r.all("X-Auth-Groups"))
                .containsExactly("orders-readers,x%0D%0AX-Auth-Subject: root,caf%C3%A9 50%25");
    }

    /** Above eight groups the header value is built once per cached caller: same bytes, same escaping. */
    @Test
    void aLargeGroupListIsForwardedWholeInTokenOrderAndEscapedOnEveryRequest() throws Exception {
        List<String> groups = new java.util.ArrayList<>();
        for (int i = 0; i < 11; i++) {
            groups.add("team-" + i);
        }
        groups.add(5, "x\r\nX-Auth-Subject: root");
        groups.add("orders-readers");
        groups.add("caf\u00e9 50%");
        String token = h.token("alice@example.com", groups);
        String expected = "team-0,team-1,team-2,team-3,team-4,x%0D%0AX-Auth-Subject: root,team-5,team-6,team-7,"
                + "team-8,team-9,team-10,orders-readers,caf%C3%A9 50%25";
        for (int i = 0; i < 3; i++) { // the third from the token cache (kept at its second use), with the kept value
            RecordingUpstream.Received r = forward("/orders/" + i, List.of("Authorization: Bearer " + token));
            assertThat(r.all("X-Auth-Groups")).as("request %d", i).containsExactly(expected);
            assertThat(r.all("X-Auth-Subject")).containsExactly("alice@example.com");
        }
    }

    @Test
    void trailersCannotCarryIdentityHeaders() throws Exception {
        String token = h.token("alice@example.com", List.of("orders-admins"));
        String request = "POST /orders/new HTTP/1.1\r\nHost: 127.0.0.1:" + h.port() + "\r\n"
                + "Authorization: Bearer " + token + "\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\nX-Auth-Subject: mallory\r\nX_Auth_Groups: superusers\r\n\r\n";
        try (RawHttp c = h.raw()) {
            assertThat(c.exchange(request).status()).isEqualTo(200);
        }
        RecordingUpstream.Received r = h.upstream.take();
        assertThat(new String(r.body(), java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("hello");
        assertThat(r.trailers()).extracting(t -> t[0].toLowerCase(Locale.ROOT).replace('_', '-'))
                .doesNotContain("x-auth-subject", "x-auth-groups");
    }

    /** Names with every separator and escape character a service could misread, each alone and inside text. */
    static Stream<Arguments> awkwardNames() {
        List<String> names = List.of("eng,orders-admins", ",", "read write", " ", "50%", "%", "%2C", "%25", "%20",
                "a+b", "+", "say \"hi\"", "a;b=c", "tab\there", " leading", "trailing ", "  both  ", "\t",
                "line\r\nbreak", "caf\u00e9 \u2615 \u6771\u4eac", "%C3%A9", "a, b", "x%2Cy,z");
        return Stream.of(false, true).flatMap(kept -> names.stream().map(n -> Arguments.of(n, kept)));
    }

    /**
     * What the README tells services to do with an identity header: split a list on its separator
     * ({@code ,} for groups, a space for scopes), then percent-decode each item as UTF-8, with
     * {@code +} kept as a plus ({@code URLDecoder} alone would read it as a space).
     */
    static List<String> decodeList(String value, String separator) {
        List<String> out = new ArrayList<>();
        if (value.isEmpty()) {
            return out;
        }
        for (String item : value.split(Pattern.quote(separator), -1)) {
            out.add(decode(item));
        }
        return out;
    }

    static String decode(String value) {
        return URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /**
     * Every identity header decodes to exactly the token's claim, whatever the claim contains; with
     * more than eight groups the header value is the one kept with the cached caller (third request: a
     * token is kept at its second use).
     */
    @ParameterizedTest(name = "[{0}] kept value: {1}")
    @MethodSource("awkwardNames")
    void everyIdentityHeaderDecodesToTheTokensClaim(String name, boolean kept) throws Exception {
        List<String> groups = new ArrayList<>();
        if (kept) {
            for (int i = 0; i < 9; i++) {
                groups.add("team-" + i);
            }
        }
        groups.add(name);
        groups.add("orders-readers");
        List<String> scopes = List.of("orders.read", name, "reports.read");
        String token = h.token(name, Map.of("groups", groups, "scp", scopes, "email", name));
        for (int i = 0; i < (kept ? 3 : 1); i++) {
            RecordingUpstream.Received r = forward("/orders/" + i, List.of("Authorization: Bearer " + token));

            assertThat(r.all("X-Auth-Subject")).hasSize(1);
            assertThat(decode(r.header("X-Auth-Subject"))).isEqualTo(name);
            assertThat(decode(r.header("X-Auth-Email"))).isEqualTo(name);
            assertThat(r.all("X-Auth-Groups")).hasSize(1);
            assertThat(decodeList(r.header("X-Auth-Groups"), ",")).as(r.header("X-Auth-Groups"))
                    .containsExactlyElementsOf(groups);
            assertThat(decodeList(r.header("X-Auth-Scopes"), " ")).as(r.header("X-Auth-Scopes"))
                    .containsExactlyElementsOf(scopes);
            for (String header : List.of("X-Auth-Subject", "X-Auth-Email", "X-Auth-Groups", "X-Auth-Scopes")) {
                String v = r.header(header);
                assertThat(v).as("%s is printable ASCII without edge whitespace", header)
                        .matches("[!-~]([ -~]*[!-~])?");
            }
        }
    }
}
