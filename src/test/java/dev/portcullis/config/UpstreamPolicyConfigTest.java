package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code load_balancing}, {@code retry}, {@code outlier_detection} and {@code health_check}: read, inherited, refused. */
class UpstreamPolicyConfigTest {
    private static final String FILE = "portcullis.yaml";

    /** Line 8 is the route's policy line; {@code %DEFAULTS%} is line 1. */
    private static final String BASE = """
            %DEFAULTS%
            routes:
              - id: a
                match: { path: /a/** }
                upstream: [http://127.0.0.1:9001, http://127.0.0.1:9002]
                public: true
                %ROUTE%
            """;

    private static ProxyConfig read(String defaults, String route) throws ConfigException {
        return new ConfigReader().read(FILE, BASE.replace("%DEFAULTS%", defaults).replace("%ROUTE%", route));
    }

    private static UpstreamPolicyConfig resolved(ProxyConfig c) {
        return c.routes().get(0).upstreamPolicy().orElse(c.upstreamDefaults().upstreamPolicy());
    }

    @Test
    void nothingSaidMeansRoundRobinOneRetryAndEjectionOnWithoutHealthChecks() throws ConfigException {
        UpstreamPolicyConfig p = resolved(read("", ""));

        assertThat(p).isEqualTo(new UpstreamPolicyConfig(false, true, new OutlierConfig(5, Duration.ofSeconds(30),
                Duration.ofMinutes(5), 50), null));
    }

    @Test
    void aRouteSaysWhatItChangesAndInheritsTheRestFromUpstreamDefaults() throws ConfigException {
        ProxyConfig c = read("upstream_defaults: { load_balancing: least_request, retry: never,"
                + " outlier_detection: { consecutive_failures: 2, max_ejection: 1m } }",
                "outlier_detection: { base_ejection: 5s }");

        assertThat(resolved(c)).isEqualTo(new UpstreamPolicyConfig(true, false, new OutlierConfig(2,
                Duration.ofSeconds(5), Duration.ofMinutes(1), 50), null));
    }

    @Test
    void aHealthCheckIsReadWithItsDefaults() throws ConfigException {
        assertThat(resolved(read("", "health_check: { path: /healthz, interval: 5s }")).healthCheck())
                .isEqualTo(new HealthCheckConfig("/healthz", Duration.ofSeconds(5), Duration.ofSeconds(2), 2, 3));
        assertThat(resolved(read("", "health_check: {}")).healthCheck()).isEqualTo(HealthCheckConfig.defaults());
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments("load_balancing: random", "routes[0].load_balancing", 7, "expected 'round_robin' or"),
                arguments("retry: twice", "routes[0].retry", 7, "expected 'never' or 'once'"),
                arguments("outlier_detection: { consecutive_failure: 3 }",
                        "routes[0].outlier_detection.consecutive_failure", 7, "unknown key"),
                arguments("outlier_detection: { consecutive_failures: -1 }",
                        "routes[0].outlier_detection.consecutive_failures", 7, "must be between 0 and 1000"),
                arguments("outlier_detection: { max_ejected_percent: 101 }",
                        "routes[0].outlier_detection.max_ejected_percent", 7, "must be between 0 and 100"),
                arguments("outlier_detection: { base_ejection: 30 }", "routes[0].outlier_detection.base_ejection",
                        7, "expected a duration"),
                arguments("outlier_detection: { max_ejection: 0s }", "routes[0].outlier_detection.max_ejection", 7,
                        "must be at least 10ms"),
                arguments("outlier_detection: off", "routes[0].outlier_detection", 7, "expected a mapping"),
                arguments("health_check: { path: health }", "routes[0].health_check.path", 7, "starting with '/'"),
                arguments("health_check: { path: '/a b' }", "routes[0].health_check.path", 7, "without spaces"),
                arguments("health_check: { interval: 10ms }", "routes[0].health_check.interval", 7,
                        "must be at least 50ms"),
                arguments("health_check: { interval: 1s, timeout: 2s }", "routes[0].health_check.timeout", 7,
                        "must not be longer than the interval (1s)"),
                arguments("health_check: { healthy: 0 }", "routes[0].health_check.healthy", 7,
                        "must be between 1 and 100"),
                arguments("health_check: { unhealthy: many }", "routes[0].health_check.unhealthy", 7,
                        "expected a whole number"),
                arguments("health_check: { method: HEAD }", "routes[0].health_check.method", 7, "unknown key"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void mistakesAreRefusedWhereTheyAre(String route, String path, int line, String message) {
        List<ConfigError> errors = catchThrowableOfType(ConfigException.class, () -> read("", route)).errors();

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.column()).isPositive();
            assertThat(e.message()).contains(message);
        });
    }

    @Test
    void upstreamDefaultsRefuseAHealthCheckAndTheirOwnMistakes() {
        List<ConfigError> errors = catchThrowableOfType(ConfigException.class, () -> read(
                "upstream_defaults: { health_check: { path: / }, outlier_detection: { max_ejected_percent: 200 } }",
                "")).errors();

        assertThat(errors).extracting(ConfigError::path).containsExactlyInAnyOrder(
                "upstream_defaults.health_check", "upstream_defaults.outlier_detection.max_ejected_percent");
        assertThat(errors).allSatisfy(e -> assertThat(e.line()).isEqualTo(1));
    }
}
