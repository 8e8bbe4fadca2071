package dev.portcullis.hardening;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.hardening.ProxyUnderAttack.Answer;
import dev.portcullis.it.RecordingUpstream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code routing.path_case}, its per-route override, and {@code trailing_slash: strict}, over real
 * sockets. Every exact route is for {@code admins} only under a parent {@code /**} that
 * {@code readers} may use: a reader's 403 shows the exact route was picked, a reader's 200 the
 * parent. Whatever route is picked, the upstream receives the normalized path as sent (case and
 * trailing slash kept).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteOptionsIT {
    private ProxyUnderAttack p;

    @BeforeAll
    void start() throws Exception {
        p = ProxyUnderAttack.start("", "routing: { path_case: insensitive }", """
                  - id: ci-admin
                    match: { path: /ci/Admin }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: ci-keys
                    match: { path: /ci/keys/* }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: ci
                    match: { path: /ci/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [readers, admins] } ]
                  - id: cs-admin
                    match: { path: /cs/Admin }
                    path_case: sensitive
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: cs
                    match: { path: /cs/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [readers, admins] } ]
                  - id: strict-admin
                    match: { path: /strict/admin }
                    trailing_slash: strict
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: strict-user
                    match: { path: /strict/users/* }
                    trailing_slash: strict
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [admins] } ]
                  - id: strict
                    match: { path: /strict/** }
                    upstream: %UPSTREAM%
                    allow: [ { groups_any: [readers, admins] } ]
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

    /** Target, the path the upstream receives, and whether the admins-only route judges it. */
    static Stream<Arguments> targets() {
        return Stream.of(
                // routing.path_case: insensitive, inherited
                Arguments.of("/ci/Admin", "/ci/Admin", true),
                Arguments.of("/ci/admin", "/ci/admin", true),
                Arguments.of("/CI/ADMIN", "/CI/ADMIN", true),
                Arguments.of("/ci/aDmIn/", "/ci/aDmIn/", true),
                Arguments.of("/ci/%41dmin/.", "/ci/Admin/", true),
                Arguments.of("/Ci/KEYS/k1", "/Ci/KEYS/k1", true),
                Arguments.of("/ci/Keys/K1/", "/ci/Keys/K1/", true),
                // letters that Java and .NET fold to ASCII ones: U+212A KELVIN SIGN, U+0130, U+0131, U+017F
                Arguments.of("/ci/%E2%84%AAeys/k1", "/ci/%E2%84%AAeys/k1", true),
                Arguments.of("/ci/Adm%C4%B1n", "/ci/Adm%C4%B1n", true),
                Arguments.of("/ci/adm%c4%b0n", "/ci/adm%C4%B0n", true),
                Arguments.of("/ci/other", "/ci/other", false),
                // path_case: sensitive on the route overrides it
                Arguments.of("/cs/Admin", "/cs/Admin", true),
                Arguments.of("/cs/Admin/", "/cs/Admin/", true),
                Arguments.of("/cs/admin", "/cs/admin", false),
                Arguments.of("/cs/ADMIN", "/cs/ADMIN", false),
                // trailing_slash: strict
                Arguments.of("/strict/admin", "/strict/admin", true),
                Arguments.of("/strict/admin/", "/strict/admin/", false),
                Arguments.of("/strict/admin/.", "/strict/admin/", false),
                Arguments.of("/strict/users/5", "/strict/users/5", true),
                Arguments.of("/strict/users/5/", "/strict/users/5/", false),
                Arguments.of("/strict/users/5//", "/strict/users/5/", false));
    }

    @ParameterizedTest(name = "{0} -> {1}, exact route: {2}")
    @MethodSource("targets")
    void theRouteOptionsDecideTheRoute(String target, String forwarded, boolean exactRoute) throws Exception {
        Answer reader = p.send(p.get(target, "Authorization: Bearer " + p.readerToken()));
        if (exactRoute) {
            assertThat(reader.status()).as("judged by the admins-only route: %s", reader).isEqualTo(403);
            assertThat(p.h.upstream.poll()).isNull();
        } else {
            assertThat(reader.status()).as("judged by the parent route: %s", reader).isEqualTo(200);
            assertThat(p.forwarded().requestLine()).isEqualTo("GET " + forwarded + " HTTP/1.1");
        }

        Answer admin = p.send(p.get(target, "Authorization: Bearer " + p.adminToken()));
        assertThat(admin.status()).as("admin: %s", admin).isEqualTo(200);
        RecordingUpstream.Received r = p.forwarded();
        assertThat(r.requestLine()).isEqualTo("GET " + forwarded + " HTTP/1.1");
        p.assertStillServing();
    }
}
