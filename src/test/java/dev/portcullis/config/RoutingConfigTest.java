package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code routing.path_case} and the route keys {@code trailing_slash} and {@code path_case}. */
class RoutingConfigTest {
    private static final String FILE = "portcullis.yaml";
    private static final String BASE = """
            issuers:
              - { id: okta, issuer: https://dev-123456.okta.com/oauth2/default, audiences: [api://default] }
            %ROUTING%routes:
              - id: a
                match: { path: /Api/Admin }
                upstream: http://127.0.0.1:9001
                allow: [ { groups_any: [admins] } ]%A%
              - id: b
                match: { path: /api/users/* }
                upstream: http://127.0.0.1:9001
                allow: [ { groups_any: [admins] } ]%B%
            """;

    private static String config(String routing, String a, String b) {
        return BASE.replace("%ROUTING%", routing).replace("%A%", a).replace("%B%", b);
    }

    private static PathPattern pattern(ProxyConfig c, int route) {
        return c.routes().get(route).pattern(c.routing());
    }

    @Test
    void theDefaultsAreCaseSensitiveAndIgnoreTheTrailingSlash() throws ConfigException {
        ProxyConfig c = new ConfigReader().read(FILE, config("", "", ""));

        assertThat(c.routing().caseInsensitive()).isFalse();
        assertThat(pattern(c, 0)).isEqualTo(new PathPattern(List.of("Api", "Admin"), false, false, false));
        assertThat(pattern(c, 1)).isEqualTo(new PathPattern(List.of("api", "users", "*"), false, false, false));
    }

    @Test
    void aRouteOverridesTheGlobalPathCase() throws ConfigException {
        ProxyConfig c = new ConfigReader().read(FILE, config("routing: { path_case: insensitive }\n",
                "\n    trailing_slash: strict", "\n    path_case: sensitive\n    trailing_slash: ignore"));

        assertThat(c.routing().caseInsensitive()).isTrue();
        assertThat(pattern(c, 0).caseInsensitive()).isTrue();
        assertThat(pattern(c, 0).strictTrailingSlash()).isTrue();
        assertThat(pattern(c, 1).caseInsensitive()).isFalse();
        assertThat(pattern(c, 1).strictTrailingSlash()).isFalse();
    }

    @Test
    void aRouteMayBeCaseInsensitiveAlone() throws ConfigException {
        ProxyConfig c = new ConfigReader().read(FILE, config("", "\n    path_case: insensitive", ""));

        assertThat(pattern(c, 0).caseInsensitive()).isTrue();
        assertThat(pattern(c, 1).caseInsensitive()).isFalse();
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments(config("routing: { path_case: folded }\n", "", ""), "routing.path_case",
                        "expected 'sensitive' or 'insensitive', was 'folded'", 3, 12),
                arguments(config("routing: { trailing_slash: strict }\n", "", ""), "routing.trailing_slash",
                        "unknown key 'trailing_slash'", 3, 12),
                arguments(config("routing: insensitive\n", "", ""), "routing", "expected a mapping", 3, 1),
                arguments(config("", "\n    trailing_slash: sometimes", ""), "routes[0].trailing_slash",
                        "expected 'ignore' or 'strict', was 'sometimes'", 8, 5),
                arguments(config("", "", "\n    path_case: lower"), "routes[1].path_case",
                        "expected 'sensitive' or 'insensitive', was 'lower'", 12, 5),
                arguments(config("", "", "\n    trailing_slash: true"), "routes[1].trailing_slash",
                        "expected a string", 12, 5));
    }

    @ParameterizedTest(name = "{1}: {2}")
    @MethodSource("mistakes")
    void aWrongValueIsReportedWhereItIs(String text, String path, String message, int line, int column) {
        ConfigException e = catchThrowableOfType(() -> new ConfigReader().read(FILE, text), ConfigException.class);

        assertThat(e).isNotNull();
        assertThat(e.errors()).filteredOn(x -> x.path().equals(path) && x.message().contains(message))
                .singleElement()
                .satisfies(x -> assertThat(x.toString()).startsWith(FILE + ":" + line + ":" + column + ": "));
    }

    /** Two case-insensitive routes that differ in case only would be one route: the second never matches. */
    @Test
    void caseInsensitivePathsThatDifferInCaseOnlyAreTheSameRoute() {
        String text = config("routing: { path_case: insensitive }\n", "", "")
                .replace("/api/users/*", "/API/ADMIN");
        ConfigException e = catchThrowableOfType(() -> new ConfigReader().read(FILE, text), ConfigException.class);

        assertThat(e).isNotNull();
        assertThat(e.errors()).extracting(ConfigError::message).contains("same host and path as route 'a'");
    }

    /** A case-sensitive /api/admin beside a case-insensitive /Api/Admin: both are reachable. */
    @Test
    void aCaseSensitiveAndACaseInsensitiveRouteMayDifferInCaseOnly() throws ConfigException {
        String text = config("", "\n    path_case: insensitive", "").replace("/api/users/*", "/api/admin");

        ProxyConfig c = new ConfigReader().read(FILE, text);

        assertThat(c.routes()).hasSize(2);
    }
}
