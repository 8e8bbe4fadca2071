package dev.portcullis.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.config.PathPattern;
import dev.portcullis.vocab.HostName;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RouteTableTest {

    /** A route as the table sees it: an id to assert on, a host (or null) and a path pattern. */
    record R(String id, String host, String pattern, boolean strict, boolean insensitive) {
        R(String id, String host, String pattern) {
            this(id, host, pattern, false, false);
        }

        PathPattern compiled() {
            return PathPattern.parse(pattern).with(strict, insensitive);
        }
    }

    private static RouteTable<R> table(R... routes) {
        return RouteTable.build(List.of(routes), R::host, R::compiled);
    }

    private static String idOf(R route) {
        return route == null ? null : route.id();
    }

    private static final RouteTable<R> PATHS = table(
            new R("a-sub", null, "/a/**"),
            new R("a-one", null, "/a/*"),
            new R("a-b", null, "/a/b"),
            new R("a-b-c-sub", null, "/a/b/c/**"),
            new R("x-one", null, "/x/*"),
            new R("y-sub", null, "/y/**"),
            new R("m-one-c", null, "/m/*/c"),
            new R("t-slash", null, "/t/"),
            new R("root", null, "/"),
            new R("api-v1-users", null, "/api/v1/users"),
            new R("api-sub", null, "/api/**"),
            new R("api-v1-sub", null, "/api/v1/**"));

    static Stream<Arguments> paths() {
        return Stream.of(
                // most specific wins: exact > * > /**
                arguments("/a/b", "a-b"),
                arguments("/a/c", "a-one"),
                arguments("/a/c/d", "a-sub"),
                // /a/** matches /a itself, /a/ and everything below, but not /ab
                arguments("/a", "a-sub"),
                arguments("/a/", "a-sub"),
                arguments("/a/b/x", "a-sub"),
                arguments("/ab", null),
                arguments("/ab/c", null),
                // a longer literal prefix beats a shorter one
                arguments("/a/b/c", "a-b-c-sub"),
                arguments("/a/b/c/d/e", "a-b-c-sub"),
                arguments("/a/b/cd", "a-sub"),
                arguments("/api/v1/users", "api-v1-users"),
                arguments("/api/v1/users/7", "api-v1-sub"),
                arguments("/api/v1", "api-v1-sub"),
                arguments("/api/v2/users", "api-sub"),
                arguments("/api", "api-sub"),
                // /x/* is one non-empty segment, exactly
                arguments("/x/1", "x-one"),
                arguments("/x", null),
                arguments("/x/", null),
                arguments("/x/1/2", null),
                // an exact or * pattern also matches its trailing-slash form
                arguments("/x/1/", "x-one"),
                arguments("/a/b/", "a-b"),
                arguments("/api/v1/users/", "api-v1-users"),
                arguments("/m/q/c/", "m-one-c"),
                arguments("/y", "y-sub"),
                arguments("/y/", "y-sub"),
                arguments("/y/z/w", "y-sub"),
                arguments("/yy", null),
                arguments("/m/q/c", "m-one-c"),
                arguments("/m/q", null),
                arguments("/m/q/c/d", null),
                arguments("/m//c", null),
                // a pattern written with its trailing slash wants it
                arguments("/t/", "t-slash"),
                arguments("/t", null),
                arguments("/t/u", null),
                arguments("/", "root"),
                // case matters in paths
                arguments("/A/b", null),
                arguments("/nothing/here", null));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("paths")
    void mostSpecificPatternWins(String path, String expected) {
        assertThat(idOf(PATHS.match(null, path))).isEqualTo(expected);
    }

    private static final RouteTable<R> OPTIONS = table(
            new R("all", null, "/**"),
            new R("admin-strict", null, "/admin", true, false),
            new R("users-one-strict", null, "/users/*", true, false),
            new R("ci-admin", null, "/Api/Admin", false, true),
            new R("ci-admin-sub", null, "/api/admin/**", false, true),
            new R("cs-admin-exact", null, "/api/admin/Keys", false, false),
            new R("ci-keys-one", null, "/keys/*/Rotate", false, true),
            new R("explicit-slash", null, "/e/", false, false),
            new R("lenient-e", null, "/e", false, false),
            new R("exact-beats-sub", null, "/s", false, false),
            new R("sub-s", null, "/s/**", false, false));

    static Stream<Arguments> options() {
        return Stream.of(
                // trailing_slash: strict
                arguments("/admin", "admin-strict"),
                arguments("/admin/", "all"),
                arguments("/users/5", "users-one-strict"),
                arguments("/users/5/", "all"),
                // path_case: insensitive, literal segments in any case, * and /** as usual
                arguments("/api/admin", "ci-admin"),
                arguments("/API/ADMIN", "ci-admin"),
                arguments("/aPi/aDmIn/", "ci-admin"),
                arguments("/API/Admin/x", "ci-admin-sub"),
                arguments("/keys/K1/ROTATE", "ci-keys-one"),
                // non-ASCII letters that Java or .NET fold to ASCII, as the normalizer encodes them
                arguments("/ap%C4%B0/adm%C4%B1n", "ci-admin"),
                arguments("/api/admin/%E2%84%AAeys", "ci-admin-sub"),
                arguments("/api/admin/Keys", "cs-admin-exact"),
                arguments("/api/admin/keys", "ci-admin-sub"),
                arguments("/api/%C5%BFub", "all"),
                arguments("/%C5%BFsomething", "all"),
                arguments("/api/adminx", "all"),
                // a case-sensitive route stays case-sensitive
                arguments("/ADMIN", "all"),
                // an explicit /e/ beats /e's trailing-slash form; /s beats /s/** for /s/
                arguments("/e/", "explicit-slash"),
                arguments("/e", "lenient-e"),
                arguments("/s/", "exact-beats-sub"),
                arguments("/s/x", "sub-s"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("options")
    void trailingSlashAndCaseOptions(String path, String expected) {
        assertThat(idOf(OPTIONS.match(null, path))).isEqualTo(expected);
    }

    @Test
    void registrationOrderDoesNotChangeTheWinner() {
        List<R> routes = new ArrayList<>(List.of(
                new R("sub", null, "/a/**"), new R("one", null, "/a/*"), new R("exact", null, "/a/b")));
        for (int i = 0; i < routes.size(); i++) {
            java.util.Collections.rotate(routes, 1);
            RouteTable<R> t = RouteTable.build(routes, R::host, R::compiled);
            assertThat(idOf(t.match(null, "/a/b"))).as("order %s", routes).isEqualTo("exact");
            assertThat(idOf(t.match(null, "/a/c"))).as("order %s", routes).isEqualTo("one");
            assertThat(idOf(t.match(null, "/a/c/d"))).as("order %s", routes).isEqualTo("sub");
        }
    }

    @Test
    void theFirstOfTwoIdenticalPatternsWins() {
        RouteTable<R> t = table(new R("first", null, "/a/**"), new R("second", null, "/a/**"),
                new R("third", null, "/b"), new R("fourth", null, "/b"));

        assertThat(idOf(t.match(null, "/a/x"))).isEqualTo("first");
        assertThat(idOf(t.match(null, "/b"))).isEqualTo("third");
    }

    @Test
    void aCatchAllMatchesEverythingLessSpecific() {
        RouteTable<R> t = table(new R("all", null, "/**"), new R("a", null, "/a"));

        assertThat(idOf(t.match(null, "/"))).isEqualTo("all");
        assertThat(idOf(t.match(null, "/a"))).isEqualTo("a");
        assertThat(idOf(t.match(null, "/a/b"))).isEqualTo("all");
        assertThat(idOf(t.match(null, "/zzz"))).isEqualTo("all");
    }

    private static final RouteTable<R> HOSTS = table(
            new R("api-orders", "api.example.com", "/orders/**"),
            new R("api-admin", "api.example.com", "/admin"),
            new R("other-x", "API.Other.COM.", "/x"),
            new R("any-special", null, "/orders/special"),
            new R("any-all", null, "/**"));

    static Stream<Arguments> hosts() {
        return Stream.of(
                arguments("api.example.com", "/orders/1", "api-orders"),
                // host routes come first, even when a hostless route is more specific
                arguments("api.example.com", "/orders/special", "api-orders"),
                arguments("www.example.com", "/orders/special", "any-special"),
                arguments(null, "/orders/special", "any-special"),
                arguments("api.example.com", "/admin", "api-admin"),
                // the host has routes, but none for this path: fall back to hostless routes
                arguments("api.example.com", "/admin/x", "any-all"),
                arguments("api.example.com", "/", "any-all"),
                arguments(null, "/orders/1", "any-all"),
                arguments(null, "/admin", "any-all"),
                // a route's host is canonical (lower case, no trailing dot)
                arguments("api.other.com", "/x", "other-x"),
                arguments("api.other.com", "/y", "any-all"),
                // a request's host is made canonical by HostName.fromAuthority
                arguments(HostName.fromAuthority("API.OTHER.COM.:8443"), "/x", "other-x"),
                arguments(HostName.fromAuthority("Api.Example.Com."), "/orders", "api-orders"),
                arguments("example.com", "/x", "any-all"));
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource("hosts")
    void hostRoutesComeBeforeHostlessOnes(String host, String path, String expected) {
        assertThat(idOf(HOSTS.match(host, path))).isEqualTo(expected);
    }

    @Test
    void noMatchIsNull() {
        RouteTable<R> onlyHosts = table(new R("api", "api.example.com", "/**"));

        assertThat(onlyHosts.match("www.example.com", "/a")).isNull();
        assertThat(onlyHosts.match(null, "/a")).isNull();
        assertThat(onlyHosts.match("api.example.com", "/a")).isNotNull();
        assertThat(table().match("api.example.com", "/")).isNull();
    }

    @Test
    void tenThousandRoutesStillMatchCorrectly() {
        List<R> routes = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            routes.add(new R("svc" + i + "-sub", null, "/svc" + i + "/**"));
            routes.add(new R("svc" + i + "-item", null, "/svc" + i + "/items/*"));
            routes.add(new R("svc" + i + "-health", null, "/svc" + i + "/health"));
            routes.add(new R("h" + i + "-sub", "h" + i + ".example.com", "/**"));
            routes.add(new R("h" + i + "-api", "h" + i + ".example.com", "/api/v" + i + "/*"));
        }
        RouteTable<R> t = RouteTable.build(routes, R::host, R::compiled);

        for (int i = 0; i < 2_000; i += 7) {
            assertThat(idOf(t.match(null, "/svc" + i))).isEqualTo("svc" + i + "-sub");
            assertThat(idOf(t.match(null, "/svc" + i + "/items/9"))).isEqualTo("svc" + i + "-item");
            assertThat(idOf(t.match(null, "/svc" + i + "/items/9/x"))).isEqualTo("svc" + i + "-sub");
            assertThat(idOf(t.match(null, "/svc" + i + "/health"))).isEqualTo("svc" + i + "-health");
            assertThat(idOf(t.match(null, "/svc" + i + "x/health"))).isNull();
            String host = "h" + i + ".example.com";
            assertThat(idOf(t.match(host, "/api/v" + i + "/z"))).isEqualTo("h" + i + "-api");
            assertThat(idOf(t.match(host, "/api/v" + (i + 1) + "/z"))).isEqualTo("h" + i + "-sub");
            assertThat(idOf(t.match(host, "/svc" + i + "/health"))).isEqualTo("h" + i + "-sub");
        }
        assertThat(idOf(t.match("h2000.example.com", "/svc1999/health"))).isEqualTo("svc1999-health");
        assertThat(t.match("h2000.example.com", "/nothing")).isNull();
    }
}
