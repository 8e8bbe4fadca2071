package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.config.OktaConfig.GroupsApi;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code okta.groups_cache}, {@code groups_wait}, {@code on_directory_unavailable}, {@code api_timeout}. */
class OktaGroupsConfigTest {
    private static final String BASE = """
            okta: { org_url: https://example.okta.com, api_token_file: /etc/t, %GROUPS% }
            issuers:
              - { id: okta, issuer: https://example.okta.com/oauth2/default, audiences: [a], groups_source: both }
            routes:
              - { id: a, match: { path: /a/** }, upstream: http://127.0.0.1:9001, allow: [ { groups_any: [a] } ] }
            """;

    private static GroupsApi read(String groups) throws ConfigException {
        return new ConfigReader().read("p.yaml", BASE.replace("%GROUPS%", groups)).okta().groups();
    }

    @Test
    void theDefaultsFailClosedAndBoundEverything() throws ConfigException {
        assertThat(read("")).isEqualTo(GroupsApi.DEFAULTS);
        assertThat(GroupsApi.DEFAULTS).isEqualTo(new GroupsApi(Duration.ofMinutes(5), Duration.ofMinutes(1), 100_000,
                Duration.ofSeconds(2), false, Duration.ofSeconds(5)));
        assertThat(OktaConfig.NONE.groups()).isEqualTo(GroupsApi.DEFAULTS);
    }

    @Test
    void everyKeyIsRead() throws ConfigException {
        assertThat(read("groups_cache: { ttl: 10m, refresh: 2m, size: 500 }, groups_wait: 750ms,"
                + " on_directory_unavailable: token_groups, api_timeout: 3s")).isEqualTo(new GroupsApi(
                        Duration.ofMinutes(10), Duration.ofMinutes(2), 500, Duration.ofMillis(750), true,
                        Duration.ofSeconds(3)));
    }

    @Test
    void aShortTtlRefreshesAtHalfOfIt() throws ConfigException {
        assertThat(read("groups_cache: { ttl: 30s }").cacheRefresh()).isEqualTo(Duration.ofSeconds(15));
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments("groups_cache: { ttl: 1m, refresh: 1m }", "okta.groups_cache.refresh", "shorter than 'ttl'"),
                arguments("groups_cache: { ttl: 0s }", "okta.groups_cache.ttl", "at least"),
                arguments("groups_cache: { size: 0 }", "okta.groups_cache.size", "between"),
                arguments("groups_cache: { max: 1 }", "okta.groups_cache.max", "unknown key"),
                arguments("groups_wait: 0s", "okta.groups_wait", "at least"),
                arguments("on_directory_unavailable: allow", "okta.on_directory_unavailable", "'refuse'"),
                arguments("api_timeout: 1ms", "okta.api_timeout", "at least"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("mistakes")
    void mistakesAreRefusedWhereTheyAre(String groups, String path, String message) {
        List<ConfigError> errors = catchThrowableOfType(ConfigException.class, () -> read(groups)).errors();

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.line()).isEqualTo(1);
            assertThat(e.message()).contains(message);
        });
    }
}
