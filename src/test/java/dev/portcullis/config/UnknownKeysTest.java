package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** An unknown key is reported with the valid key of that place it is probably a typo of, and only then. */
class UnknownKeysTest {
    private static final String FILE = "portcullis.yaml";
    private static final String CONFIG = """
            listen: 127.0.0.1:8080
            issuers:
              - id: okta
                issuer: https://dev-123456.okta.com/oauth2/default
                audiences: [api://default]
                groups_claim: groups
            identity_headers: { subject: X-Auth-Subject, email: X-Auth-Email }
            routes:
              - id: orders
                match: { host: api.example.com, path: /orders/** }
                upstream: http://127.0.0.1:9001
                allow:
                  - { methods: [GET], groups_any: [orders-readers] }
            """;

    static Stream<Arguments> typos() {
        return Stream.of(
                // replace this, with this, path, message fragment, line, column
                arguments("    upstream:", "    upstrem:", "routes[0].upstrem",
                        "unknown key 'upstrem': did you mean 'upstream'?", 11, 5),
                arguments("    allow:", "    alow:", "routes[0].alow", "unknown key 'alow': did you mean 'allow'?", 12, 5),
                arguments("groups_any: [orders", "groups_anyy: [orders", "routes[0].allow[0].groups_anyy",
                        "unknown key 'groups_anyy': did you mean 'groups_any'?", 13, 27),
                arguments("listen: 127", "lisen: 127", "lisen", "unknown key 'lisen': did you mean 'listen'?", 1, 1),
                arguments("groups_claim:", "group_claim:", "issuers[0].group_claim",
                        "unknown key 'group_claim': did you mean 'groups_claim'?", 6, 5),
                arguments("{ host: api", "{ hots: api", "routes[0].match.hots",
                        "unknown key 'hots': did you mean 'host'?", 10, 14),
                arguments("email: X-Auth", "mail: X-Auth", "identity_headers.mail",
                        "unknown key 'mail': did you mean 'email'?", 7, 46),
                arguments("    upstream:", "    Upstream:", "routes[0].Upstream",
                        "unknown key 'Upstream': did you mean 'upstream'?", 11, 5),
                // too far from every key of its place: no guess, only the list
                arguments("    upstream:", "    backend:", "routes[0].backend",
                        "unknown key 'backend' (expected one of allow, ", 11, 5),
                arguments("    allow:", "    allow:\n    ab: 1\n    allow_all:", "routes[0].ab",
                        "unknown key 'ab' (expected one of ", 13, 5),
                arguments("listen: 127", "upstream: x\nlisten: 127", "upstream",
                        "unknown key 'upstream' (expected one of admin, ", 1, 1));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("typos")
    void anUnknownKeyNamesTheKeyItIsProbablyATypoOf(String from, String to, String path, String message,
            int line, int column) {
        String text = CONFIG.replace(from, to);
        assertThat(text).isNotEqualTo(CONFIG);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigReader().read(FILE, text));

        assertThat(e.errors()).filteredOn(x -> x.path().equals(path)).singleElement().satisfies(x -> {
            assertThat(x.message()).startsWith(message);
            assertThat(x.line()).isEqualTo(line);
            assertThat(x.column()).isEqualTo(column);
        });
        if (!message.contains("did you mean")) {
            assertThat(e.getMessage()).doesNotContain("did you mean");
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "upstrem|upstream", "alow|allow", "groups_anyy|groups_any", "gropus_any|groups_any", "methdos|methods",
        "scope_any|scopes_any", "ALLOW|allow", "grups_al|groups_all"})
    void closeTyposSuggest(String typo, String key) {
        assertThat(UnknownKeys.suggestions(typo, RULES_AND_ROUTES)).containsExactly(key);
    }

    @ParameterizedTest
    @CsvSource({"ab", "x", "groups_something", "permit", "path", "upstream_url_path"})
    void farOffNamesSuggestNothing(String name) {
        assertThat(UnknownKeys.suggestions(name, RULES_AND_ROUTES)).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void equallyCloseKeysAreAllNamed() {
        assertThat(UnknownKeys.suggestions("groups_a", Set.of("groups_any", "groups_all", "scopes_any")))
                .containsExactly("groups_all", "groups_any");
        assertThat(UnknownKeys.message("groups_a", Set.of("groups_any", "groups_all"))).isEqualTo(
                "unknown key 'groups_a': did you mean 'groups_all' or 'groups_any'? (expected one of groups_all, groups_any)");
    }

    private static final List<String> RULES_AND_ROUTES = Stream.concat(RouteReader.RULE_KEYS.stream(),
            RouteReader.ROUTE_KEYS.stream()).distinct().toList();
}
