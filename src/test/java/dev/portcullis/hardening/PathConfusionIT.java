package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.hardening.ProxyUnderAttack.Answer;
import dev.portcullis.it.RecordingUpstream;
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
 * Paths that mean one thing to a gate and another to the server behind it. {@code /admin/**}
 * needs group {@code admins}; {@code /public/**} and a catch-all {@code /**} are public, so any
 * path the gate misreads lands on a public route and would be forwarded without a token. The
 * rule under test: the path the policy judges is exactly the path the upstream receives, and a
 * path whose meaning differs between servers is refused before routing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PathConfusionIT {
    private ProxyUnderAttack p;

    @BeforeAll
    void start() throws Exception {
        p = ProxyUnderAttack.start("", "", """
                  - id: internal
                    match: { host: internal.example.com, path: /** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: catch-all
                    match: { path: /** }
                    upstream: %UPSTREAM%
                    public: true
                """);
    }

    @AfterAll
    void stop() throws Exception {
        p.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        p.h.upstream.clear();
    }

    /** Targets that normalize to a protected path, and that path. */
    static Stream<Arguments> normalizedIntoAdmin() {
        return Stream.of(
                Arguments.of("/public/../admin/x", "/admin/x"),
                Arguments.of("/public/%2e%2e/admin/x", "/admin/x"),
                Arguments.of("/public/%2E%2E/admin", "/admin"),
                Arguments.of("/public/.%2e/admin/x", "/admin/x"),
                Arguments.of("/public/%2e./admin/x", "/admin/x"),
                Arguments.of("//admin/x", "/admin/x"),
                Arguments.of("///admin//x", "/admin/x"),
                Arguments.of("/./admin/x", "/admin/x"),
                Arguments.of("/admin/./x", "/admin/x"),
                Arguments.of("/public/x/../../admin/x", "/admin/x"),
                Arguments.of("/%61dmin/x", "/admin/x"),
                Arguments.of("/%61%64%6D%69%6E/x", "/admin/x"),
                Arguments.of("/admin/x?next=/../../public", "/admin/x?next=/../../public"));
    }

    @ParameterizedTest(name = "{0} is judged as {1}")
    @MethodSource("normalizedIntoAdmin")
    void normalizedPathIsJudgedAndForwardedAsOneString(String target, String normalized) throws Exception {
        Answer anonymous = p.send(p.get(target));
        assertThat(anonymous.status()).as("no token: %s", anonymous).isEqualTo(401);
        assertThat(anonymous.reason()).isEqualTo("token_missing");

        Answer reader = p.send(p.get(target, "Authorization: Bearer " + p.readerToken()));
        assertThat(reader.status()).as("not an admin: %s", reader).isEqualTo(403);
        assertThat(p.h.upstream.poll()).as("neither refusal reached the upstream").isNull();

        Answer admin = p.send(p.get(target, "Authorization: Bearer " + p.adminToken()));
        assertThat(admin.status()).as("admin: %s", admin).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(r.requestLine()).isEqualTo("GET " + normalized + " HTTP/1.1");
        assertThat(r.header("X-Auth-Subject")).isEqualTo("alice");
        p.assertStillServing();
    }

    /** Targets that different servers read differently, and the reason they are refused with. */
    static Stream<Arguments> ambiguous() {
        return Stream.of(
                Arguments.of("encoded slash after dots", "/public/..%2fadmin", "path_rejected"),
                Arguments.of("encoded slash", "/public/%2fadmin", "path_rejected"),
                Arguments.of("encoded slash, upper case", "/public/%2Fadmin/x", "path_rejected"),
                Arguments.of("encoded dots and slash", "/public/%2e%2e%2fadmin/x", "path_rejected"),
                Arguments.of("encoded backslash", "/public/..%5cadmin", "path_rejected"),
                Arguments.of("raw backslashes", "/public\\..\\admin", "path_rejected"),
                Arguments.of("path parameter", "/admin;x=y/secret", "path_rejected"),
                Arguments.of("parameter before dots", "/public;/../admin", "path_rejected"),
                Arguments.of("session id parameter", "/public/x;jsessionid=1", "path_rejected"),
                Arguments.of("encoded NUL", "/admin/%00", "path_rejected"),
                Arguments.of("encoded NUL before dots", "/public/%00/../admin/x", "path_rejected"),
                Arguments.of("encoded CRLF header injection", "/public/%0d%0aX-Auth-Subject:%20root", "path_rejected"),
                Arguments.of("encoded DEL", "/public/%7f", "path_rejected"),
                Arguments.of("raw control byte", "/admin/\u0001x", "path_rejected"),
                Arguments.of("raw DEL", "/public/\u007fx", "path_rejected"),
                Arguments.of("raw tab", "/public/a\tb", "bad_request"),
                Arguments.of("raw Latin-1 byte", "/public/\u00e9", "path_rejected"),
                Arguments.of("raw UTF-8 bytes", "/public/\u00c3\u00a9", "path_rejected"),
                Arguments.of("overlong UTF-8 dot", "/public/\u00c0\u00ae\u00c0\u00ae/admin", "path_rejected"),
                Arguments.of("climbs above the root", "/public/%2e%2e/%2e%2e/admin", "path_rejected"),
                Arguments.of("climbs above the root at once", "/../admin/x", "path_rejected"),
                Arguments.of("fragment", "/public/x#/../../admin", "path_rejected"),
                Arguments.of("malformed escape", "/public/%zz", "path_rejected"),
                Arguments.of("truncated escape", "/public/%2", "path_rejected"),
                Arguments.of("IIS %u escape", "/public/%u002e%u002e/admin", "path_rejected"),
                Arguments.of("asterisk form", "*", "path_rejected"),
                Arguments.of("no leading slash", "admin/x", "path_rejected"),
                Arguments.of("control byte in query", "/public/x?a=\u0001", "path_rejected"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("ambiguous")
    void ambiguousTargetIsRefusedBeforeRouting(String what, String target, String reason) throws Exception {
        Answer a = p.send(p.get(target, "Authorization: Bearer " + p.adminToken()));

        assertThat(a.status()).as("%s", a).isEqualTo(400);
        assertThat(a.reason()).isEqualTo(reason);
        assertThat(a.closed()).as("the connection is closed after a refused target").isTrue();
        p.assertNothingForwardedAndStillServing();
    }

    /** Encodings kept as they are: {@code %25} is never decoded, so nothing is decoded twice. */
    static Stream<Arguments> forwardedLiterally() {
        return Stream.of(
                Arguments.of("/public/%252e%252e/admin", "/public/%252e%252e/admin"),
                Arguments.of("/public/%252fadmin", "/public/%252fadmin"),
                Arguments.of("/public/%25%32%65", "/public/%252e"),
                Arguments.of("/public/%c3%a9", "/public/%C3%A9"),
                Arguments.of("/public/a%20b", "/public/a%20b"));
    }

    @ParameterizedTest(name = "{0} is forwarded as {1}")
    @MethodSource("forwardedLiterally")
    void doubleEncodingIsForwardedLiterallyAndNeverDecodedTwice(String target, String forwarded) throws Exception {
        Answer a = p.send(p.get(target));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(r.requestLine()).isEqualTo("GET " + forwarded + " HTTP/1.1");
        assertThat(r.header("X-Auth-Subject")).as("judged as public, forwarded as public").isNull();
        p.assertStillServing();
    }

    /**
     * Paths match case-sensitively, as RFC 3986 compares them: {@code /Admin/x} is not the admin
     * route but the public catch-all, and it reaches the upstream exactly as {@code /Admin/x},
     * without identity. (An upstream that folds path case must not sit behind a public
     * catch-all: it would serve its admin pages there.)
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"/Admin/x", "/ADMIN/x", "/aDmIn"})
    void differentCaseIsADifferentRouteAndIsForwardedAsJudged(String target) throws Exception {
        Answer a = p.send(p.get(target, "X-Auth-Subject: root", "X-Auth-Groups: admins"));

        assertThat(a.status()).as("%s", a).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(r.requestLine()).isEqualTo("GET " + target + " HTTP/1.1");
        assertThat(r.all("X-Auth-Subject")).isEmpty();
        assertThat(r.all("X-Auth-Groups")).isEmpty();
        p.assertStillServing();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://other-host/admin/x", "http://other-host:%PORT%/admin/x",
            "http://internal.example.com/x", "http://evil@127.0.0.1:%PORT%/admin/x",
            "http://127.0.0.1:%PORT%@evil/admin/x", "ftp://127.0.0.1:%PORT%/admin/x"})
    void absoluteFormNamingAnotherHostIsRefused(String target) throws Exception {
        Answer a = p.send(p.get(target.replace("%PORT%", String.valueOf(p.port())),
                "Authorization: Bearer " + p.adminToken()));

        assertThat(a.status()).as("%s", a).isEqualTo(400);
        assertThat(a.reason()).isEqualTo("path_rejected");
        assertThat(a.closed()).isTrue();
        p.assertNothingForwardedAndStillServing();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"http://127.0.0.1:%PORT%/admin/x", "HTTP://127.0.0.1:%PORT%/public/../admin/x"})
    void absoluteFormNamingTheSameHostIsJudgedByItsPath(String target) throws Exception {
        String t = target.replace("%PORT%", String.valueOf(p.port()));

        Answer anonymous = p.send(p.get(t));
        assertThat(anonymous.status()).as("%s", anonymous).isEqualTo(401);
        assertThat(p.h.upstream.poll()).isNull();

        Answer admin = p.send(p.get(t, "Authorization: Bearer " + p.adminToken()));
        assertThat(admin.status()).as("%s", admin).isEqualTo(200);
        assertThat(p.forwarded().requestLine()).as("origin-form upstream").isEqualTo("GET /admin/x HTTP/1.1");
        p.assertStillServing();
    }

    /** Host names compare case-insensitively, without port or trailing dot: no spelling reaches the catch-all. */
    @ParameterizedTest(name = "Host: {0}")
    @ValueSource(strings = {"INTERNAL.EXAMPLE.COM", "Internal.Example.Com", "internal.example.com.",
            "internal.example.com:8443", "iNtErNaL.example.COM.:80"})
    void hostRouteMatchesEverySpellingOfItsHost(String host) throws Exception {
        String request = "GET /x HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
        Answer anonymous = p.send(request);
        assertThat(anonymous.status()).as("judged by the protected host route: %s", anonymous).isEqualTo(401);
        assertThat(p.h.upstream.poll()).isNull();

        Answer admin = p.send(request.replace("\r\n\r\n", "\r\nAuthorization: Bearer " + p.adminToken()
                + "\r\n\r\n"));
        assertThat(admin.status()).as("%s", admin).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(r.requestLine()).isEqualTo("GET /x HTTP/1.1");
        assertThat(r.header("X-Auth-Subject")).isEqualTo("alice");
        assertThat(r.all("X-Forwarded-Host")).containsExactly(host);
        p.assertStillServing();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"Host: a@internal.example.com", "Host: internal.example.com/admin",
            "Host: internal.example.com:abc", "Host: ", "Host: evil.example\r\nHost: internal.example.com",
            "Host: internal.example.com, evil.example"})
    void implausibleOrRepeatedHostIsRefused(String hostLines) throws Exception {
        Answer a = p.send("GET /x HTTP/1.1\r\n" + hostLines + "\r\n\r\n");

        assertThat(a.status()).as("%s", a).isEqualTo(400);
        assertThat(a.closed()).isTrue();
        p.assertNothingForwardedAndStillServing();
    }

    @Test
    void http11RequestWithoutHostIsRefused() throws Exception {
        Answer a = p.send("GET /admin/x HTTP/1.1\r\nAuthorization: Bearer " + p.adminToken() + "\r\n\r\n");

        assertThat(a.status()).as("%s", a).isEqualTo(400);
        p.assertNothingForwardedAndStillServing();
    }
}
