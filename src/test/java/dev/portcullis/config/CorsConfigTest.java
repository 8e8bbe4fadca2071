package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A route's {@code cors}: what loads, and every mistake refused at its own file:line:column.
 * The route's {@code cors:} key is at 8:5 of each config; its keys start at column 7. An error about a
 * key's value is reported at the key, one about a list item at the item.
 */
class CorsConfigTest {
    private static final String FILE = "cors.yaml";

    private static String config(String corsBody) {
        return """
                issuers:
                  - { id: okta, issuer: https://dev-1.okta.com/oauth2/default, audiences: [api://default] }
                routes:
                  - id: orders
                    match: { path: /orders/** }
                    upstream: http://127.0.0.1:9001
                    allow: [ { groups_any: [readers] } ]
                    cors:%s
                """.formatted(corsBody);
    }

    private static CorsConfig read(String corsBody) throws ConfigException {
        return new ConfigReader(Map.of()).read(FILE, config(corsBody)).routes().get(0).cors();
    }

    @Test
    void aMappingLoadsWithItsDefaults() throws ConfigException {
        CorsConfig c = read("\n      allowed_origins: [https://app.example.com, 'http://localhost:5173']\n");

        assertThat(c.passthrough()).isFalse();
        assertThat(c.allowedOrigins()).containsExactly("https://app.example.com", "http://localhost:5173");
        assertThat(c.allowedMethods()).containsExactly("GET", "HEAD", "POST");
        assertThat(c.allowedHeaders()).isEmpty();
        assertThat(c.exposedHeaders()).isEmpty();
        assertThat(c.allowCredentials()).isFalse();
        assertThat(c.maxAge()).isNull();
    }

    @Test
    void everyKeyIsRead() throws ConfigException {
        CorsConfig c = read("""

                      allowed_origins: https://app.example.com
                      allowed_methods: [GET, PUT, DELETE]
                      allowed_headers: [Authorization, Content-Type]
                      exposed_headers: [ETag]
                      allow_credentials: true
                      max_age: 10m
                """);

        assertThat(c.allowedOrigins()).containsExactly("https://app.example.com");
        assertThat(c.allowedMethods()).containsExactly("GET", "PUT", "DELETE");
        assertThat(c.allowedHeaders()).containsExactly("Authorization", "Content-Type");
        assertThat(c.exposedHeaders()).containsExactly("ETag");
        assertThat(c.allowCredentials()).isTrue();
        assertThat(c.maxAge()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void passthroughAndAbsence() throws ConfigException {
        assertThat(read(" passthrough").passthrough()).isTrue();
        assertThat(new ConfigReader(Map.of()).read(FILE, config(" passthrough").replace("    cors: passthrough\n", ""))
                .routes().get(0).cors()).isNull();
    }

    static Stream<Arguments> mistakes() {
        String origins = "\n      allowed_origins: ";
        return Stream.of(
                // name, cors body, error path, message fragment, line, column
                arguments("a word other than passthrough", " pass", "routes[0].cors", "expected 'passthrough'", 8, 5),
                arguments("a list", " [https://a.example]", "routes[0].cors", "expected 'passthrough'", 8, 5),
                arguments("no allowed_origins", "\n      allow_credentials: false\n", "routes[0].cors",
                        "needs 'allowed_origins'", 8, 5),
                arguments("an unknown key", origins + "'*'\n      allowed_origin: x\n", "routes[0].cors.allowed_origin",
                        "unknown key", 10, 7),
                arguments("wildcard with credentials", origins + "'*'\n      allow_credentials: true\n",
                        "routes[0].cors.allow_credentials", "list the origins instead", 10, 7),
                arguments("wildcard among origins", origins + "['*', https://a.example]\n",
                        "routes[0].cors.allowed_origins", "'*' alone", 9, 7),
                arguments("an origin with a path", origins + "[https://a.example/app]\n",
                        "routes[0].cors.allowed_origins[0]", "no path and no trailing slash: 'https://a.example'",
                        9, 25),
                arguments("a trailing slash", origins + "[https://a.example/]\n", "routes[0].cors.allowed_origins[0]",
                        "no trailing slash", 9, 25),
                arguments("upper case", origins + "[https://App.example]\n", "routes[0].cors.allowed_origins[0]",
                        "'https://app.example'", 9, 25),
                arguments("no scheme", origins + "[app.example.com]\n", "routes[0].cors.allowed_origins[0]",
                        "expected scheme://host[:port]", 9, 25),
                arguments("the null origin", origins + "['null']\n", "routes[0].cors.allowed_origins[0]",
                        "never allowed", 9, 25),
                arguments("a default port", origins + "['https://a.example:443']\n",
                        "routes[0].cors.allowed_origins[0]", "without its default port", 9, 25),
                arguments("a port out of range", origins + "['http://a.example:70000']\n",
                        "routes[0].cors.allowed_origins[0]", "not a port", 9, 25),
                arguments("an origin twice", origins + "[https://a.example, https://b.example, https://a.example]\n",
                        "routes[0].cors.allowed_origins[2]", "listed twice", 9, 63),
                arguments("an empty origin list", origins + "[]\n", "routes[0].cors.allowed_origins", "empty list",
                        9, 7),
                arguments("a lower-case method", origins + "'*'\n      allowed_methods: [get]\n",
                        "routes[0].cors.allowed_methods[0]", "upper-case tokens", 10, 25),
                arguments("a wildcard method", origins + "'*'\n      allowed_methods: ['*']\n",
                        "routes[0].cors.allowed_methods[0]", "no wildcard", 10, 25),
                arguments("a method twice", origins + "'*'\n      allowed_methods: [PUT, PUT]\n",
                        "routes[0].cors.allowed_methods[1]", "listed twice", 10, 30),
                arguments("a header with a space", origins + "'*'\n      allowed_headers: ['X Token']\n",
                        "routes[0].cors.allowed_headers[0]", "not a header name", 10, 25),
                arguments("a header twice, in another case",
                        origins + "'*'\n      allowed_headers: [Authorization, authorization]\n",
                        "routes[0].cors.allowed_headers[1]", "listed twice", 10, 40),
                arguments("an exposed header with a colon", origins + "'*'\n      exposed_headers: ['ETag:']\n",
                        "routes[0].cors.exposed_headers[0]", "not a header name", 10, 25),
                arguments("max_age in seconds without unit", origins + "'*'\n      max_age: 600\n",
                        "routes[0].cors.max_age", "expected a duration", 10, 7),
                arguments("max_age above a day", origins + "'*'\n      max_age: 2d\n", "routes[0].cors.max_age",
                        "at most 24h", 10, 7),
                arguments("credentials not a boolean", origins + "[https://a.example]\n      allow_credentials: 'true'\n",
                        "routes[0].cors.allow_credentials", "expected true or false", 10, 7));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void aMistakeIsRefusedAtItsPlace(String name, String corsBody, String path, String message, int line, int column) {
        ConfigException e = catchThrowableOfType(() -> read(corsBody), ConfigException.class);

        assertThat(e).as("refused at load").isNotNull();
        assertThat(e.errors()).as(e.getMessage()).anySatisfy(err -> {
            assertThat(err.path()).isEqualTo(path);
            assertThat(err.message()).contains(message);
            assertThat(err.toString()).startsWith(FILE + ":" + line + ":" + column + ": " + path + ": ");
        });
    }

    @Test
    void everyMistakeOfTheMappingIsReportedInOneRun() {
        ConfigException e = catchThrowableOfType(() -> read("""

                      allowed_origins: ['*', https://a.example/]
                      allowed_methods: [get]
                      allow_credentials: true
                """), ConfigException.class);

        assertThat(e.errors()).extracting(ConfigError::path).containsAll(List.of("routes[0].cors.allowed_origins",
                "routes[0].cors.allowed_origins[1]", "routes[0].cors.allowed_methods[0]",
                "routes[0].cors.allow_credentials"));
    }
}
