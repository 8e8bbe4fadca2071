package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Errors come out by position (file, line, column), not in the order the reader's passes found
 * them: binding finds unknown keys (top level first, then per route) before the validator finds
 * a rule that contradicts another.
 */
class ErrorOrderTest {
    /** Found in the order 17 (top-level key), 16 (route key), 11 (validator); reported 11, 16, 17. */
    static final String OUT_OF_ORDER = """
            listen: 127.0.0.1:8080
            issuers:
              - id: okta
                issuer: https://dev-123456.okta.com/oauth2/default
                audiences: [api://default]
            routes:
              - id: docs
                match: { path: /public/** }
                upstream: http://127.0.0.1:9002
                public: true
                forward_token: true
              - id: orders
                match: { path: /orders/** }
                upstream: http://127.0.0.1:9001
                allow: [ { methods: [GET] } ]
                timeout_connect: 1s
            lisen: 127.0.0.1:8081
            """;

    @Test
    void errorsOfOneFileAreSortedByLine() {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> new ConfigReader(Map.of()).read("portcullis.yaml", OUT_OF_ORDER));

        assertThat(e.errors()).extracting(ConfigError::line).containsExactly(11, 16, 17);
        assertThat(e.getMessage().lines().toList()).containsExactly(
                "portcullis.yaml:11:5: routes[0].forward_token: a public route never verifies a token, so forwarding "
                        + "one would hand the service an unverified credential: remove 'forward_token' or 'public: true'",
                "portcullis.yaml:16:5: routes[1].timeout_connect: " + UnknownKeys.message("timeout_connect",
                        RouteReader.ROUTE_KEYS),
                "portcullis.yaml:17:1: lisen: " + UnknownKeys.message("lisen", ConfigReader.acceptedKeys().get("/")));
    }

    @Test
    void theMainConfigComesBeforeTheFilesItIncludesThenLineThenColumn(@TempDir Path dir) throws Exception {
        Path main = dir.resolve("portcullis.yaml");
        Files.writeString(main, """
                issuers:
                  - { id: okta, issuer: https://dev-1.okta.com/oauth2/default, audiences: [api://default] }
                include: routes.d
                routes:
                  - id: docs
                    match: { path: /public/** }
                    upstream: http://127.0.0.1:9002
                    public: true
                    forward_token: true
                """);
        Path included = Files.createDirectories(dir.resolve("routes.d")).resolve("orders.yaml");
        Files.writeString(included, """
                routes:
                  - id: orders
                    match: { path: /orders/**, hots: x }
                    upstream: http://127.0.0.1:9001
                    allow: [ { methods: [GET], gropus_any: [a] } ]
                """);

        ConfigException e = catchThrowableOfType(ConfigException.class, () -> new ConfigReader(Map.of()).read(main));

        assertThat(e.errors()).extracting(x -> x.file() + ":" + x.line() + ":" + x.column()).containsExactly(
                main + ":9:5", included + ":3:32", included + ":5:32");
    }

    @Test
    void byPositionIsFileThenLineThenColumnAndStable() {
        ConfigError b3 = new ConfigError("b.yaml", 3, 1, "", "b3");
        ConfigError a7x = new ConfigError("a.yaml", 7, 9, "", "a7 col 9");
        ConfigError a0 = new ConfigError("a.yaml", 0, 0, "", "whole file");
        ConfigError a7 = new ConfigError("a.yaml", 7, 2, "", "a7 col 2");
        ConfigError a2 = new ConfigError("a.yaml", 2, 5, "", "a2");
        ConfigError a2again = new ConfigError("a.yaml", 2, 5, "", "a2, found later");

        assertThat(ConfigError.byPosition(List.of(a7x, b3, a2, a0, a7, a2again)))
                .containsExactly(a0, a2, a2again, a7, a7x, b3);
        assertThat(new ConfigException(List.of(a7x, b3, a2)).errors()).containsExactly(a2, a7x, b3);
    }
}
