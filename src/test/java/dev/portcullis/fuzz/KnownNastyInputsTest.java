package dev.portcullis.fuzz;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fuzz tests' invariants on inputs known to have broken gateways before (path confusion
 * between a proxy and the server behind it, header look-alikes, hop-by-hop abuse), with the
 * outcome each one must have. Runs with the unit tests; no fuzzer involved.
 */
class KnownNastyInputsTest {
    private static final String REFUSED = "refused";

    static Stream<Arguments> targets() {
        return Stream.of(
                arguments("/admin", "admin"),
                arguments("/admin/", "admin"),
                arguments("/admin/users?page=2", "admin"),
                arguments("/adminx", "public"),
                arguments("/ADMIN", "public"),
                // spelled differently, still admin
                arguments("/%61dmin/users", "admin"),
                arguments("/%61%64%6D%69%6E", "admin"),
                arguments("//admin//users", "admin"),
                arguments("/public/../admin", "admin"),
                arguments("/public/%2e%2e/admin", "admin"),
                arguments("/public/.%2E/admin", "admin"),
                arguments("/./admin", "admin"),
                arguments("/admin/x/../../admin/y", "admin"),
                arguments("http://h/public/../admin", "admin"),
                arguments("/api/v1/internal", "internal"),
                arguments("/api/%76%31/internal", "internal"),
                arguments("/api//v1//internal", "internal"),
                arguments("/api/v1/internal/", "internal"),
                arguments("/api/v1/internal/.", "internal"),
                arguments("/v1/orders:batchDelete", "batch"),
                arguments("/v1/orders%3AbatchDelete", "batch"),
                arguments("/v1/orders%3abatchDelete/", "batch"),
                arguments("/v1/orders%3BbatchDelete", "public"),
                arguments("/v1/Orders:batchDelete", "public"),
                // ambiguous between servers: refused, never guessed
                arguments("/public/..%2fadmin", REFUSED),
                arguments("/public/..%2Fadmin", REFUSED),
                arguments("/public%2f..%2fadmin", REFUSED),
                arguments("/public/..%5cadmin", REFUSED),
                arguments("/public\\..\\admin", REFUSED),
                arguments("/public/..;/admin", REFUSED),
                arguments("/admin;jsessionid=1", REFUSED),
                arguments("/admin%00", REFUSED),
                arguments("/admin\u0000/x", REFUSED),
                arguments("/admin%0a", REFUSED),
                arguments("/admin\t", REFUSED),
                arguments("/\u00c0\u00aeadmin", REFUSED),
                arguments("/admin/\u00e9", REFUSED),
                // an overlong UTF-8 dot stays encoded, and is no dot
                arguments("/%C0%AE%C0%AE/admin", "public"),
                arguments("/..", REFUSED),
                arguments("/../admin", REFUSED),
                arguments("/public/%2e%2e/%2e%2e/admin", REFUSED),
                arguments("/admin%", REFUSED),
                arguments("/admin%2", REFUSED),
                arguments("/admin%zz", REFUSED),
                arguments("/admin%\u0661\u0661", REFUSED),
                arguments("admin", REFUSED),
                arguments("*", REFUSED),
                arguments("", REFUSED),
                arguments("/admin#frag", REFUSED),
                // %25 stays encoded, so a double-encoded dot is never a dot here
                arguments("/public/%252e%252e/admin", "public"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("targets")
    void eachNastyTargetIsRoutedAsWhatItIsOrRefused(String target, String expected) {
        RoutingInvariants.check(target);

        String routed = RoutingInvariants.judgedRoute(target);
        assertThat(routed == null ? REFUSED : routed).isEqualTo(expected);
    }

    @Test
    void theSeededRandomWalkHoldsTheInvariants() {
        // A cheap stand-in for the fuzzer on every build: fragments that matter, shuffled.
        String[] pieces = {"/", "admin", "api", "v1", "internal", "public", ".", "..", "%2e", "%2E", "%2f", "%5c",
            ";", "%3b", "%25", "%61", "\\", "//", "?", "#", "x", "%00", "\u00c0", "%zz", "%"};
        Random random = new Random(20261128);
        for (int i = 0; i < 50_000; i++) {
            StringBuilder sb = new StringBuilder(random.nextBoolean() ? "/" : "");
            for (int n = random.nextInt(9); n > 0; n--) {
                sb.append(pieces[random.nextInt(pieces.length)]);
            }
            String target = sb.toString();
            assertThatCode(() -> RoutingInvariants.check(target)).as(target).doesNotThrowAnyException();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Auth-Subject", "x-auth-subject", "X_AUTH_SUBJECT", "x.auth.subject", "X-Auth_Groups",
        "x.Auth-eMail", "X-AUTH-ISSUER", "x_auth.scopes", "X-Request-Id", "x_request_id", "X.Portcullis.Assertion",
        "x-portcullis_assertion"})
    void everyLookAlikeOfAnIdentityHeaderIsReserved(String name) {
        HeaderInvariants.checkName(name);
        assertThat(HeaderInvariants.parse(name + ": forged").names()).hasSize(1);
        HeaderInvariants.checkSection(name + ": forged\n");
    }

    @ParameterizedTest
    @ValueSource(strings = {"X-Auth-Subjects", "X-Auth", "XAuthSubject", "X-Auth--Subject", "X-Auth-Subject-Id",
        "Subject", "X-Request", "X-Auth-Groups2"})
    void namesThatOnlyResembleAnIdentityHeaderAreLeftAlone(String name) {
        HeaderInvariants.checkName(name);
        HeaderInvariants.checkSection(name + ": kept\n");
    }

    @Test
    void randomSpellingsOfIdentityHeadersAreAllReserved() {
        List<String> names = List.of("X-Auth-Subject", "X-Auth-Groups", "X-Auth-Email", "X-Auth-Issuer",
                "X-Auth-Scopes", "X-Request-Id", HeaderInvariants.ASSERTION_HEADER);
        Random random = new Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (char c : names.get(random.nextInt(names.size())).toCharArray()) {
                sb.append(c == '-' ? "-_.".charAt(random.nextInt(3))
                        : random.nextBoolean() ? Character.toUpperCase(c) : Character.toLowerCase(c));
            }
            HeaderInvariants.checkName(sb.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "Connection: x-auth-subject, x-request-id\nX-Auth-Subject: mallory\nX-Request-Id: mine\n",
        "Connection: host, x-forwarded-for, x-forwarded-proto\nX-Forwarded-For: 10.0.0.1\n",
        "Connection: X-Portcullis-Assertion\nX_Portcullis_Assertion: forged\n",
        "Transfer-Encoding: chunked\nConnection: transfer-encoding\n",
        "X-Forwarded-For: 10.0.0.1\nForwarded: for=10.0.0.1\nX-Real-IP: 10.0.0.1\nAuthorization: Bearer t\n",
        "Keep-Alive: timeout=5\nUpgrade: h2c\nTE: trailers\nProxy-Connection: keep-alive\nContent-Length: 12\n",
        "Expect: 100-continue\nContent-Length: 3\n"})
    void headerSectionsThatTryToForgeOrStripTheProxysHeaders(String section) {
        HeaderInvariants.checkSection(section);
    }

    /**
     * A client lists {@code Content-Length} in {@code Connection}: the filter removes it, the
     * body is still forwarded, and the upstream — seeing no length — reads that body as the
     * next request on the connection, one the proxy never judged (see
     * {@link ConnectionListedContentLengthIT} for the same thing over sockets).
     */
    @ParameterizedTest
    @ValueSource(strings = {
        "Connection: Content-Length\nContent-Length: 42\n",
        "Connection: keep-alive, content-length\nContent-Length: 42\n"})
    void aConnectionHeaderCannotStripTheBodysLength(String section) {
        HeaderInvariants.checkSection(section);
    }
}
