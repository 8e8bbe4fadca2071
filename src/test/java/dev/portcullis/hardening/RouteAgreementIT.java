package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.hardening.ProxyUnderAttack.Answer;
import dev.portcullis.it.RecordingUpstream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gate and the service pick the same route: the path the gate routes on is the path the
 * service routes on. Every exact route here is for {@code admins} only and sits under a parent
 * {@code /**} route that {@code readers} may use, as {@code /v1/orders:batchDelete} under
 * {@code /v1/**} in the report that found the bypass. A spelling that skipped the exact route
 * would let a reader through (200) and would reach the service as the exact route's path, so:
 * a reader's token gets 403, an admin's is forwarded, and the upstream receives the path the
 * gate routed on — escapes of characters a pattern can name decoded, dot segments and repeated
 * slashes gone, the trailing slash kept.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteAgreementIT {
    /** RFC 3986 sub-delimiters a pattern may name ({@code ;} is refused raw, {@code *} is the wildcard), ':' and '@'. */
    static final String NAMEABLE = "!$&'()+,=:@";

    private ProxyUnderAttack p;

    @BeforeAll
    void start() throws Exception {
        StringBuilder routes = new StringBuilder("""
                  - id: batch-delete
                    match: { path: '/v1/orders:batchDelete' }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: root-keys
                    match: { path: '/v1/users/root@example.com/keys' }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: v1
                    match: { path: /v1/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [readers, admins] } ]
                  - id: sub-delims
                    match: { path: /sd/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [readers, admins] } ]
                  - id: api-admin
                    match: { path: /api/admin }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: api-user
                    match: { path: /api/users/* }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: api
                    match: { path: /api/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [readers, admins] } ]
                """);
        for (char c : NAMEABLE.toCharArray()) {
            routes.append("  - id: sd-").append(hex(c)).append('\n')
                    .append("    match: { path: '/sd/a").append(c == '\'' ? "''" : String.valueOf(c)).append("b' }\n")
                    .append("    upstream: %UPSTREAM%\n")
                    .append("    allow: [ { groups_any: [admins] } ]\n");
        }
        p = ProxyUnderAttack.start("", "", routes.toString());
    }

    @AfterAll
    void stop() throws Exception {
        p.close();
    }

    @BeforeEach
    void forgetEarlierRequests() {
        p.h.upstream.clear();
    }

    /** Each nameable character raw, and escaped in upper- and lower-case hex; plus the report's two paths. */
    static Stream<Arguments> escapedCharacters() {
        List<Arguments> out = new ArrayList<>();
        for (char c : NAMEABLE.toCharArray()) {
            Set<String> spellings = new LinkedHashSet<>(List.of(String.valueOf(c), "%" + hex(c),
                    "%" + hex(c).toLowerCase(Locale.ROOT)));
            for (String s : spellings) {
                out.add(Arguments.of("/sd/a" + s + "b", "/sd/a" + c + "b"));
            }
        }
        out.add(Arguments.of("/v1/orders%3AbatchDelete", "/v1/orders:batchDelete"));
        out.add(Arguments.of("/v1/orders%3abatchDelete", "/v1/orders:batchDelete"));
        out.add(Arguments.of("/v1/users/root%40example.com/keys", "/v1/users/root@example.com/keys"));
        out.add(Arguments.of("/v1/users/root%40example%2Ecom/keys", "/v1/users/root@example.com/keys"));
        out.add(Arguments.of("/v1/orders%3AbatchDelete/", "/v1/orders:batchDelete/"));
        return out.stream();
    }

    @ParameterizedTest(name = "{0} is routed and forwarded as {1}")
    @MethodSource("escapedCharacters")
    void anEscapedCharacterReachesTheExactRouteAndIsForwardedDecoded(String target, String forwarded)
            throws Exception {
        assertJudgedByTheExactRoute(target, forwarded);
    }

    /** Every pattern kind with its trailing-slash, dot-segment and repeated-slash spellings. */
    static Stream<Arguments> trailingForms() {
        List<Arguments> out = new ArrayList<>();
        for (String base : List.of("/api/admin", "/api/users/5", "/admin")) {
            out.add(Arguments.of(base, base));
            out.add(Arguments.of(base + "/", base + "/"));
            out.add(Arguments.of(base + "/.", base + "/"));
            out.add(Arguments.of(base + "/%2e", base + "/"));
            out.add(Arguments.of(base + "//", base + "/"));
            out.add(Arguments.of(base + "/./", base + "/"));
            out.add(Arguments.of(base + "/x/..", base + "/"));
            out.add(Arguments.of("/" + base, base));
            out.add(Arguments.of(base.replace("/", "//") + "//", base + "/"));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0} is routed and forwarded as {1}")
    @MethodSource("trailingForms")
    void trailingSlashAndDotFormsReachTheExactRoute(String target, String forwarded) throws Exception {
        assertJudgedByTheExactRoute(target, forwarded);
    }

    /** {@code *} is never a literal: its escape is decoded all the same, and the segment is one segment. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("starSpellings")
    void anEscapedStarIsDecodedToo(String target) throws Exception {
        assertJudgedByTheExactRoute(target, "/api/users/*");
    }

    static Stream<String> starSpellings() {
        return Stream.of("/api/users/*", "/api/users/%2A", "/api/users/%2a");
    }

    private void assertJudgedByTheExactRoute(String target, String forwarded) throws Exception {
        Answer reader = p.send(p.get(target, "Authorization: Bearer " + p.readerToken()));
        assertThat(reader.status()).as("a reader is judged by the admins-only route: %s", reader).isEqualTo(403);
        assertThat(reader.reason()).isEqualTo("group_denied");
        assertThat(p.h.upstream.poll()).as("the refusal reached the upstream").isNull();

        Answer admin = p.send(p.get(target, "Authorization: Bearer " + p.adminToken()));
        assertThat(admin.status()).as("admin: %s", admin).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(r.requestLine()).as("the path the gate routed on").isEqualTo("GET " + forwarded + " HTTP/1.1");
        assertThat(r.header("X-Auth-Subject")).isEqualTo("alice");
        p.assertStillServing();
    }

    private static String hex(char c) {
        return String.format("%02X", (int) c);
    }
}
