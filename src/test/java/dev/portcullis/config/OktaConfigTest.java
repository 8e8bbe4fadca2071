package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.config.IssuerConfig.GroupsSource;
import dev.portcullis.config.OktaConfig.ApiToken;
import dev.portcullis.config.OktaConfig.EventHook;
import dev.portcullis.config.OktaConfig.ServiceApp;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code okta}, {@code admin.token_file} and {@code issuers[].groups_source}: read, defaulted, refused where they are. */
class OktaConfigTest {
    private static final String FILE = "portcullis.yaml";

    /** {@code %OKTA%} is line 1, {@code %ISSUER%} line 7. */
    private static final String BASE = """
            %OKTA%
            issuers:
              - id: okta
                issuer: https://example.okta.com/oauth2/default
                audiences: [api://default]
                max_token_lifetime: 1h
                %ISSUER%
            routes:
              - id: a
                match: { path: /a/** }
                upstream: http://127.0.0.1:9001
                allow: [ { groups_any: [a] } ]
            """;

    private static ProxyConfig read(String okta, String issuer) throws ConfigException {
        return new ConfigReader().read(FILE, BASE.replace("%OKTA%", okta).replace("%ISSUER%", issuer));
    }

    @Test
    void withoutTheSectionNothingIsOnAndGroupsComeFromTheToken() throws ConfigException {
        ProxyConfig c = read("", "");

        assertThat(c.okta()).isEqualTo(OktaConfig.NONE);
        assertThat(c.okta().directoryApi()).isFalse();
        assertThat(c.membershipOverlay()).isFalse();
        assertThat(c.admin().tokenFile()).isNull();
        assertThat(c.issuers().get(0).groupsSource()).isEqualTo(GroupsSource.TOKEN);
    }

    @Test
    void theIssuesExampleIsReadWithItsDefaults() throws ConfigException {
        ProxyConfig c = read("okta: { org_url: https://example.okta.com, service_app: { client_id: 0oa1,"
                + " private_key_file: /etc/k.pem }, event_hook: { secret_file: /etc/s } }\n"
                + "admin: { listen: 127.0.0.1:9090, token_file: /etc/portcullis/admin-token }", "groups_source: both");

        assertThat(c.okta()).isEqualTo(new OktaConfig("https://example.okta.com", null,
                new ServiceApp("0oa1", "/etc/k.pem", List.of("okta.groups.read", "okta.users.read")),
                new EventHook("Authorization", "/etc/s", 256 * 1024)));
        assertThat(c.okta().directoryApi()).isTrue();
        assertThat(c.membershipOverlay()).isTrue();
        assertThat(c.admin().tokenFile()).isEqualTo("/etc/portcullis/admin-token");
        assertThat(c.issuers().get(0).groupsSource()).isEqualTo(GroupsSource.BOTH);
    }

    @Test
    void theEventQueueBoundsCanBeSet() throws ConfigException {
        assertThat(read("okta: { event_hook: { secret_file: /s, queue_capacity: 50, remember_events: 2000 } }", "")
                .okta().eventHook()).isEqualTo(new EventHook("Authorization", "/s", 256 * 1024, 50, 2000));
    }

    @Test
    void anApiTokenComesFromAFileOrAnEnvironmentVariable() throws ConfigException {
        assertThat(read("okta: { org_url: https://example.okta.com, api_token_env: OKTA_API_TOKEN }", "")
                .okta().apiToken()).isEqualTo(new ApiToken(null, "OKTA_API_TOKEN"));
        assertThat(read("okta: { org_url: https://example.okta.com, api_token_file: /etc/t }", "groups_source: okta_api")
                .okta().apiToken()).isEqualTo(new ApiToken("/etc/t", null));
    }

    static Stream<Arguments> mistakes() {
        return Stream.of(
                arguments("okta: { org_url: https://x.okta.com, api_token: abc }", "", "okta.api_token", 1,
                        "unknown key"),
                arguments("okta: { org_url: https://x.okta.com, api_token_file: /t, api_token_env: T }", "",
                        "okta.api_token_env", 1, "not both"),
                arguments("okta: { org_url: https://x.okta.com, api_token_env: 'not a name' }", "",
                        "okta.api_token_env", 1, "environment variable"),
                arguments("okta: { org_url: https://x.okta.com, api_token_file: /t, service_app: { client_id: c,"
                        + " private_key_file: /k } }", "", "okta.service_app", 1, "not both"),
                arguments("okta: { org_url: https://x.okta.com, service_app: { client_id: c } }", "",
                        "okta.service_app", 1, "private_key_file"),
                arguments("okta: { api_token_file: /t }", "", "okta", 1, "needs 'org_url'"),
                arguments("okta: { org_url: 'ftp://x.okta.com', api_token_file: /t }", "", "okta.org_url", 1, ""),
                arguments("okta: { event_hook: { secret_header: X-Secret } }", "", "okta.event_hook", 1,
                        "needs 'secret_file'"),
                arguments("okta: { event_hook: { secret_file: /s, secret_header: 'a b' } }", "",
                        "okta.event_hook.secret_header", 1, "header name"),
                arguments("okta: { event_hook: { secret_file: /s, max_body_size: 10 } }", "",
                        "okta.event_hook.max_body_size", 1, "between"),
                arguments("okta: { event_hook: { secret_file: /s, queue_capacity: 0 } }", "",
                        "okta.event_hook.queue_capacity", 1, "between"),
                arguments("okta: { event_hook: { secret_file: /s, remember_events: 10 } }", "",
                        "okta.event_hook.remember_events", 1, "between"),
                arguments("", "groups_source: directory", "issuers[0].groups_source", 7,
                        "expected 'token', 'okta_api' or 'both'"),
                arguments("", "groups_source: okta_api", "issuers[0].groups_source", 7, "okta.org_url"),
                arguments("okta: { event_hook: { secret_file: /s } }", "max_token_lifetime: null", "issuers[0]", 3,
                        "set 'max_token_lifetime'"),
                arguments("admin: { token_file: /a }", "max_token_lifetime: null", "issuers[0]", 3,
                        "admin.token_file"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("mistakes")
    void mistakesAreRefusedWhereTheyAre(String okta, String issuer, String path, int line, String message) {
        String text = BASE.replace("%OKTA%", okta).replace("%ISSUER%", issuer.replace("max_token_lifetime: null", ""));
        if (issuer.contains("max_token_lifetime: null")) {
            text = text.replace("    max_token_lifetime: 1h\n", "");
        }
        String config = text;
        List<ConfigError> errors = catchThrowableOfType(ConfigException.class,
                () -> new ConfigReader().read(FILE, config)).errors();

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.message()).contains(message);
        });
    }
}
