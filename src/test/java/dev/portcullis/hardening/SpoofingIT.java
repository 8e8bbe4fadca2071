package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.hardening.ProxyUnderAttack.Answer;
import dev.portcullis.it.RecordingUpstream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Upstreams believe the identity headers, so only the proxy may write them. Whatever a client
 * sends under those names, or under names a framework folds into them ({@code _} or {@code .}
 * for {@code -}, any case; CGI, WSGI and Rack all do), is removed on every route, and the
 * proxy's own values arrive exactly once. Forwarding headers are the proxy's too, unless the
 * client is a trusted proxy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SpoofingIT {
    /** The headers only the proxy writes, in their canonical form. */
    private static final List<String> IDENTITY = List.of("x-auth-subject", "x-auth-groups", "x-auth-email",
            "x-auth-issuer", "x-auth-scopes", "x-portcullis-assertion");

    private ProxyUnderAttack p;
    private ProxyUnderAttack trusting;

    @BeforeAll
    void start() throws Exception {
        p = ProxyUnderAttack.start("", "", "");
        trusting = ProxyUnderAttack.start("", "trusted_proxies: [127.0.0.1/32]", "");
    }

    @AfterAll
    void stop() throws Exception {
        p.close();
        trusting.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        p.h.upstream.clear();
        trusting.h.upstream.clear();
    }

    private static String fullToken(ProxyUnderAttack proxy) {
        return proxy.h.token("alice", Map.of("groups", List.of("admins"), "email", "alice@example.com",
                "scp", List.of("orders.read")));
    }

    /** Header names as a framework would read them: lower case, {@code _} and {@code .} as {@code -}. */
    private static String folded(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-').replace('.', '-');
    }

    private static List<String> valuesFolded(RecordingUpstream.Received r, String canonical) {
        List<String> out = new ArrayList<>();
        for (String[] h : r.headers()) {
            if (folded(h[0]).equals(canonical)) {
                out.add(h[1]);
            }
        }
        return out;
    }

    static Stream<Arguments> forgeries() {
        return Stream.of(
                Arguments.of("exact name", List.of("X-Auth-Subject: root")),
                Arguments.of("lower case", List.of("x-auth-subject: root")),
                Arguments.of("upper case", List.of("X-AUTH-SUBJECT: root")),
                Arguments.of("underscores", List.of("X_Auth_Subject: root")),
                Arguments.of("dots", List.of("X.Auth.Subject: root")),
                Arguments.of("mixed separators", List.of("x_auth.subject: root", "X-Auth_Groups: admins")),
                Arguments.of("duplicates", List.of("X-Auth-Subject: root", "X-Auth-Subject: root")),
                Arguments.of("repeated, different values", List.of("X-Auth-Groups: admins", "x-auth-groups: superusers",
                        "X_AUTH_GROUPS: root")),
                Arguments.of("comma list", List.of("X-Auth-Groups: admins,superusers")),
                Arguments.of("email", List.of("X-Auth-Email: root@example.com", "X_Auth_Email: root@example.com")),
                Arguments.of("issuer", List.of("X-Auth-Issuer: mock", "x.auth.issuer: other")),
                Arguments.of("scopes", List.of("X-Auth-Scopes: everything", "X-Auth-Scopes: admin.write")),
                Arguments.of("assertion", List.of("X-Portcullis-Assertion: eyJhbGciOiJub25lIn0.e30.")),
                Arguments.of("assertion look-alike", List.of("x_portcullis_assertion: forged")),
                Arguments.of("request id", List.of("X-Request-Id: chosen-by-client")),
                Arguments.of("request id look-alikes", List.of("x-request-id: a", "X_Request_Id: b", "X.REQUEST.ID: c")),
                Arguments.of("all at once", List.of("X-Auth-Subject: root", "X-Auth-Groups: admins",
                        "X-Auth-Email: root@example.com", "X-Auth-Issuer: mock", "X-Auth-Scopes: everything",
                        "X-Portcullis-Assertion: forged", "X-Request-Id: chosen")));
    }

    @ParameterizedTest(name = "protected route, {0}")
    @MethodSource("forgeries")
    void forgedIdentityIsReplacedOnAProtectedRoute(String what, List<String> forged) throws Exception {
        List<String> lines = new ArrayList<>(forged);
        lines.add("Authorization: Bearer " + fullToken(p));
        Answer a = p.send(p.get("/admin/x", lines.toArray(String[]::new)));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(valuesFolded(r, "x-auth-subject")).containsExactly("alice");
        assertThat(valuesFolded(r, "x-auth-groups")).containsExactly("admins");
        assertThat(valuesFolded(r, "x-auth-email")).containsExactly("alice@example.com");
        assertThat(valuesFolded(r, "x-auth-issuer")).containsExactly("mock");
        assertThat(valuesFolded(r, "x-auth-scopes")).containsExactly("orders.read");
        List<String> assertion = valuesFolded(r, "x-portcullis-assertion");
        assertThat(assertion).hasSize(1);
        assertThat(assertion.get(0)).as("the proxy's own signed assertion").matches("eyJ[\\w-]+\\.eyJ[\\w-]+\\.[\\w-]{20,}")
                .isNotEqualTo("eyJhbGciOiJub25lIn0.e30.");
        assertThat(valuesFolded(r, "x-request-id")).containsExactly(a.header("X-Request-Id"));
        assertThat(r.all("Authorization")).as("the token stays with the proxy").isEmpty();
        p.assertStillServing();
    }

    @ParameterizedTest(name = "public route, {0}")
    @MethodSource("forgeries")
    void forgedIdentityIsRemovedOnAPublicRoute(String what, List<String> forged) throws Exception {
        Answer a = p.send(p.get("/public/x", forged.toArray(String[]::new)));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        for (String name : IDENTITY) {
            assertThat(valuesFolded(r, name)).as(name).isEmpty();
        }
        assertThat(valuesFolded(r, "x-request-id")).containsExactly(a.header("X-Request-Id"));
        p.assertStillServing();
    }

    @Test
    void identityInATrailerSectionIsNotForwarded() throws Exception {
        String request = "POST /admin/x HTTP/1.1\r\nHost: " + p.host() + "\r\nAuthorization: Bearer " + fullToken(p)
                + "\r\nTrailer: X-Auth-Subject\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\nX-Auth-Subject: root\r\nX_Auth_Groups: superusers\r\n\r\n";
        Answer a = p.send(request);

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(valuesFolded(r, "x-auth-subject")).containsExactly("alice");
        assertThat(r.trailers()).as("no trailer reaches the upstream").isEmpty();
        p.assertStillServing();
    }

    @ParameterizedTest(name = "Connection: {0}")
    @ValueSource(strings = {"X-Auth-Subject", "close, X-Auth-Subject, X-Auth-Groups",
            "x-auth-email, X-AUTH-ISSUER, x-auth-scopes", "X-Portcullis-Assertion", "X-Request-Id",
            "keep-alive, X-Forwarded-For, X-Forwarded-Proto, X-Forwarded-Host"})
    void connectionHeaderCannotRemoveTheProxysOwnHeaders(String listed) throws Exception {
        Answer a = p.send(p.get("/admin/x", "Connection: " + listed, "Authorization: Bearer " + fullToken(p)));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(r.all("X-Auth-Subject")).containsExactly("alice");
        assertThat(r.all("X-Auth-Groups")).containsExactly("admins");
        assertThat(r.all("X-Auth-Email")).containsExactly("alice@example.com");
        assertThat(r.all("X-Auth-Issuer")).containsExactly("mock");
        assertThat(r.all("X-Auth-Scopes")).containsExactly("orders.read");
        assertThat(r.all("X-Portcullis-Assertion")).hasSize(1);
        assertThat(r.all("X-Request-Id")).containsExactly(a.header("X-Request-Id"));
        assertThat(r.all("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(r.all("X-Forwarded-Proto")).containsExactly("http");
        assertThat(r.all("X-Forwarded-Host")).containsExactly(p.host());
        assertThat(r.all("Connection")).as("hop-by-hop").isEmpty();
        p.assertStillServing();
    }

    @Test
    void headersTheClientListsInConnectionAreItsOwnToLose() throws Exception {
        Answer a = p.send(p.get("/public/x", "Connection: X-Debug", "X-Debug: 1", "Keep-Alive: timeout=5",
                "Upgrade: h2c", "Proxy-Connection: keep-alive"));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(r.names()).map(n -> n.toLowerCase(Locale.ROOT))
                .doesNotContain("x-debug", "keep-alive", "upgrade", "proxy-connection", "connection");
        p.assertStillServing();
    }

    static Stream<Arguments> forwardingForgeries() {
        return Stream.of(
                Arguments.of("X-Forwarded-For", List.of("X-Forwarded-For: 203.0.113.7")),
                Arguments.of("X-Forwarded-For, repeated", List.of("X-Forwarded-For: 203.0.113.7, 10.0.0.1",
                        "x-forwarded-for: 198.51.100.1")),
                Arguments.of("X-Forwarded-Proto", List.of("X-Forwarded-Proto: https")),
                Arguments.of("X-Forwarded-Host", List.of("X-Forwarded-Host: admin.internal")),
                Arguments.of("Forwarded", List.of("Forwarded: for=203.0.113.7;proto=https;host=admin.internal")),
                Arguments.of("X-Real-IP", List.of("X-Real-IP: 203.0.113.7")),
                Arguments.of("X-Forwarded-For look-alikes", List.of("X_Forwarded_For: 203.0.113.7",
                        "X.Forwarded.For: 203.0.113.8")),
                Arguments.of("X-Forwarded-Proto and -Host look-alikes", List.of("X_Forwarded_Proto: https",
                        "x.forwarded.host: admin.internal")),
                Arguments.of("X-Real-IP look-alike", List.of("X_Real_IP: 203.0.113.7")));
    }

    @ParameterizedTest(name = "untrusted client, {0}")
    @MethodSource("forwardingForgeries")
    void forwardingHeadersFromAnUntrustedClientAreReplaced(String what, List<String> forged) throws Exception {
        Answer a = p.send(p.get("/public/x", forged.toArray(String[]::new)));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(valuesFolded(r, "x-forwarded-for")).containsExactly("127.0.0.1");
        assertThat(valuesFolded(r, "x-forwarded-proto")).containsExactly("http");
        assertThat(valuesFolded(r, "x-forwarded-host")).containsExactly(p.host());
        assertThat(valuesFolded(r, "forwarded")).isEmpty();
        assertThat(valuesFolded(r, "x-real-ip")).isEmpty();
        p.assertStillServing();
    }

    @Test
    void trustedProxyHasItsForwardedForAppendedTo() throws Exception {
        Answer a = trusting.send(trusting.get("/public/x", "X-Forwarded-For: 203.0.113.7",
                "X-Forwarded-For: 198.51.100.1, 10.0.0.1", "X-Forwarded-Proto: https",
                "X-Forwarded-Host: shop.example.com", "Forwarded: for=192.0.2.1", "X-Real-IP: 192.0.2.1"));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = trusting.forwarded();
        assertThat(r.all("X-Forwarded-For")).containsExactly("203.0.113.7, 198.51.100.1, 10.0.0.1, 127.0.0.1");
        assertThat(r.all("X-Forwarded-Proto")).containsExactly("https");
        assertThat(r.all("X-Forwarded-Host")).containsExactly("shop.example.com");
        assertThat(r.all("Forwarded")).as("extended with this hop").containsExactly("for=192.0.2.1, for=127.0.0.1");
        assertThat(r.all("X-Real-IP")).as("a trusted proxy's word").containsExactly("192.0.2.1");
        trusting.assertStillServing();
    }

    @Test
    void trustedProxyWithoutForwardedForGetsTheClientAddress() throws Exception {
        Answer a = trusting.send(trusting.get("/public/x"));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = trusting.forwarded();
        assertThat(r.all("X-Forwarded-For")).containsExactly("127.0.0.1");
        assertThat(r.all("X-Forwarded-Proto")).containsExactly("http");
        trusting.assertStillServing();
    }

    /** Trusted for addresses is not trusted for identity: a trusted proxy cannot name the caller. */
    @Test
    void trustedProxyCannotSetIdentity() throws Exception {
        List<String> lines = new ArrayList<>(Arrays.asList("X-Auth-Subject: root", "X_Auth_Groups: superusers",
                "X-Request-Id: chosen", "X-Portcullis-Assertion: forged"));
        lines.add("Authorization: Bearer " + fullToken(trusting));
        Answer a = trusting.send(trusting.get("/admin/x", lines.toArray(String[]::new)));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = trusting.forwarded();
        assertThat(valuesFolded(r, "x-auth-subject")).containsExactly("alice");
        assertThat(valuesFolded(r, "x-auth-groups")).containsExactly("admins");
        assertThat(valuesFolded(r, "x-request-id")).containsExactly(a.header("X-Request-Id"));
        assertThat(valuesFolded(r, "x-portcullis-assertion")).hasSize(1).doesNotContain("forged");
        trusting.assertStillServing();
    }

    /** Header names that are not tokens could be read as identity by a lenient server: refused outright. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"X-Auth-Subject : root", "X-Auth-Subject\t: root", "X Auth Subject: root",
            " X-Auth-Subject: root", "X-Auth-Subject\u0000: root"})
    void malformedIdentityHeaderNameIsRefused(String line) throws Exception {
        Answer a = p.send("GET /public/x HTTP/1.1\r\n" + line + "\r\nHost: " + p.host() + "\r\n\r\n");

        assertThat(a.status()).as("%s", a).isEqualTo(400);
        assertThat(a.closed()).isTrue();
        p.assertNothingForwardedAndStillServing();
    }

    /** Headers through which a client names its own address to frameworks that read them. */
    private static final List<String> CLIENT_ADDRESS = List.of("True-Client-IP", "X-Client-IP", "CF-Connecting-IP",
            "Client-IP", "X-Cluster-Client-IP", "X-Real-IP", "Forwarded");

    /** Each client-address header, in each spelling a framework folds into it. */
    static Stream<Arguments> clientAddressSpellings() {
        List<Arguments> out = new ArrayList<>();
        for (String name : CLIENT_ADDRESS) {
            String value = name.equals("Forwarded") ? "for=203.0.113.7;proto=https" : "203.0.113.7";
            out.add(Arguments.of(name, name, value, true));
            out.add(Arguments.of(name, name.toLowerCase(Locale.ROOT), value, true));
            out.add(Arguments.of(name, name.toUpperCase(Locale.ROOT), value, true));
            if (name.contains("-")) {
                out.add(Arguments.of(name, name.replace('-', '_'), value, false));
                out.add(Arguments.of(name, name.replace('-', '.'), value, false));
                out.add(Arguments.of(name, name.toLowerCase(Locale.ROOT).replace('-', '_'), value, false));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "untrusted client, {1}")
    @MethodSource("clientAddressSpellings")
    void clientAddressHeadersFromAnUntrustedClientAreRemoved(String canonical, String spelled, String value,
            boolean plainSpelling) throws Exception {
        Answer a = p.send(p.get("/public/x", spelled + ": " + value));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(valuesFolded(r, folded(canonical))).as("any spelling of %s", canonical).isEmpty();
        assertThat(valuesFolded(r, "x-forwarded-for")).containsExactly("127.0.0.1");
        p.assertStillServing();
    }

    /**
     * A trusted proxy says who its client is: its client-address headers are kept in their own
     * spelling ({@code Forwarded} extended with this hop, as {@code X-Forwarded-For} is), while a
     * {@code _} or {@code .} look-alike is no proxy's doing and is removed.
     */
    @ParameterizedTest(name = "trusted proxy, {1}")
    @MethodSource("clientAddressSpellings")
    void clientAddressHeadersFromATrustedProxyAreKeptInTheirOwnSpellingOnly(String canonical, String spelled,
            String value, boolean plainSpelling) throws Exception {
        Answer a = trusting.send(trusting.get("/public/x", spelled + ": " + value));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = trusting.forwarded();
        List<String> expected = !plainSpelling ? List.of()
                : canonical.equals("Forwarded") ? List.of(value + ", for=127.0.0.1") : List.of(value);
        assertThat(valuesFolded(r, folded(canonical))).as("any spelling of %s", canonical)
                .containsExactlyElementsOf(expected);
        trusting.assertStillServing();
    }

    /** Framing and hop-by-hop names in look-alike spelling: a CGI-style server may read them as the real ones. */
    static Stream<Arguments> framingLookalikes() {
        return Stream.of("Content_Length: 999", "Content.Length: 999", "CONTENT_LENGTH: 999",
                "Transfer_Encoding: chunked", "transfer.encoding: chunked", "Keep_Alive: timeout=5",
                "Proxy_Connection: keep-alive", "Proxy_Authorization: Basic cm9vdDpyb290", "Proxy.Authenticate: Basic")
                .flatMap(line -> Stream.of(Arguments.of(line, false), Arguments.of(line, true)));
    }

    @ParameterizedTest(name = "{0}, trusted proxy: {1}")
    @MethodSource("framingLookalikes")
    void framingLookalikesAreNotForwarded(String line, boolean trusted) throws Exception {
        ProxyUnderAttack proxy = trusted ? trusting : p;
        String request = "POST /public/x HTTP/1.1\r\nHost: " + proxy.host() + "\r\n" + line
                + "\r\nContent-Length: 5\r\n\r\nhello";
        Answer a = proxy.send(request);

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = proxy.forwarded();
        assertThat(r.names()).as("names with _ or . that fold onto framing or hop-by-hop names")
                .noneMatch(n -> (n.contains("_") || n.contains(".")) && FRAMING.contains(folded(n)));
        assertThat(r.all("Content-Length")).containsExactly("5");
        assertThat(r.body()).isEqualTo("hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        proxy.assertStillServing();
    }

    /**
     * Method and URL overrides that frameworks honour (Symfony, Rails, IIS URL Rewrite…) and
     * httpoxy's {@code Proxy} (CGI turns it into {@code HTTP_PROXY}, which HTTP clients read as
     * their outbound proxy): removed in every spelling, from a trusted proxy too.
     */
    static Stream<Arguments> overrideHeaders() {
        return Stream.of("X-HTTP-Method-Override: DELETE", "x_http_method_override: DELETE", "X-HTTP-Method: DELETE",
                "X-Method-Override: DELETE", "X.Method.Override: DELETE", "X-Original-URL: /admin",
                "X_Original_URL: /admin", "X-Rewrite-URL: /admin", "X-Original-Method: DELETE",
                "Proxy: http://203.0.113.7:3128", "PROXY: http://203.0.113.7:3128")
                .flatMap(line -> Stream.of(Arguments.of(line, false), Arguments.of(line, true)));
    }

    @ParameterizedTest(name = "{0}, trusted proxy: {1}")
    @MethodSource("overrideHeaders")
    void overrideAndProxyHeadersAreNotForwarded(String line, boolean trusted) throws Exception {
        ProxyUnderAttack proxy = trusted ? trusting : p;
        Answer a = proxy.send(proxy.get("/public/x", line));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = proxy.forwarded();
        String name = folded(line.substring(0, line.indexOf(':')));
        assertThat(r.names()).as("names that fold onto %s", name).noneMatch(n -> folded(n).equals(name));
        proxy.assertStillServing();
    }

    private static final java.util.Set<String> FRAMING = java.util.Set.of("content-length", "transfer-encoding",
            "host", "expect", "connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade",
            "proxy-authorization", "proxy-authenticate");
}
