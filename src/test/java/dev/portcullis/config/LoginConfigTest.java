package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.route.RoutePolicy;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code issuers[].client}, {@code routes[].login} and {@code sessions}: read, defaulted, refused where they are. */
class LoginConfigTest {
    private static final String FILE = "portcullis.yaml";

    /** {@code %CLIENT%} is line 6, {@code %ROUTE%} line 17, {@code %TOP%} line 18. */
    private static final String BASE = """
            issuers:
              - id: okta
                issuer: https://example.okta.com/oauth2/default
                audiences: [api://default]
                client:
                  %CLIENT%
              - id: other
                issuer: https://other.example.com
                audiences: [api://other]
            routes:
              - id: app
                match: { path: /app/** }
                upstream: http://127.0.0.1:9003
                login: browser
                allow: [ { groups_any: [engineering] } ]
                issuers: [okta]
                %ROUTE%
            %TOP%
            """;
    private static final String CLIENT = "{ client_id: 0oa1, client_secret_file: /etc/portcullis/secret }";

    private static ProxyConfig read(String client, String route, String top) throws ConfigException {
        return new ConfigReader().read(FILE, BASE.replace("%CLIENT%", client).replace("%ROUTE%", route)
                .replace("%TOP%", top));
    }

    @Test
    void theIssuesExampleIsReadWithItsDefaults() throws ConfigException {
        ProxyConfig c = read(CLIENT, "", "");
        ClientConfig client = c.issuers().get(0).client();

        assertThat(client).isEqualTo(new ClientConfig("0oa1", "/etc/portcullis/secret", null, Duration.ofSeconds(60),
                Duration.ofHours(12), Duration.ofHours(1), null, List.of("openid", "profile", "email", "offline_access"),
                null));
        assertThat(c.issuers().get(1).client()).isNull();
        assertThat(c.routes().get(0).browserLogin()).isTrue();
        assertThat(c.browserSessions()).isTrue();
        assertThat(c.sessions()).isEqualTo(SessionsConfig.defaults());
        assertThat(RoutePolicy.compile(c.routes().get(0), c).loginIssuer()).isEqualTo("okta");
    }

    @Test
    void everyKeyIsReadAndOpenidAndOfflineAccessAreAlwaysAsked() throws ConfigException {
        ProxyConfig c = read("{ client_id: 0oa1, private_key_file: /etc/k.pem, refresh_before: 2m, session_max_age: 8h,"
                + " session_idle_timeout: 30m, redirect_uri: 'https://gate.example.com/.portcullis/callback',"
                + " scopes: [email], post_logout_redirect_uri: 'https://gate.example.com/' }", "",
                "sessions: { max_sessions: 10, key_file: /etc/k, sign_in_timeout: 5m, rotation_grace: 0s }");
        ClientConfig client = c.issuers().get(0).client();

        assertThat(client).isEqualTo(new ClientConfig("0oa1", null, "/etc/k.pem", Duration.ofMinutes(2),
                Duration.ofHours(8), Duration.ofMinutes(30), "https://gate.example.com/.portcullis/callback",
                List.of("email", "openid", "offline_access"), "https://gate.example.com/"));
        assertThat(c.sessions()).isEqualTo(new SessionsConfig(10, "/etc/k", Duration.ofMinutes(5), Duration.ZERO));
    }

    @Test
    void bearerIsTheDefault() throws ConfigException {
        ProxyConfig c = new ConfigReader().read(FILE, BASE.replace("%CLIENT%", CLIENT).replace("    login: browser\n", "")
                .replace("%ROUTE%", "").replace("%TOP%", ""));

        assertThat(c.routes().get(0).browserLogin()).isFalse();
        assertThat(c.browserSessions()).isFalse();
        assertThat(RoutePolicy.compile(c.routes().get(0), c).loginIssuer()).isNull();
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments("{ client_id: 0oa1 }", "", "", "issuers[0].client", 5,
                        "a client needs 'client_secret_file' (client_secret_basic) or 'private_key_file'"),
                arguments("{ client_id: 0oa1, client_secret_file: /s, private_key_file: /k }", "", "",
                        "issuers[0].client.private_key_file", 6, "not both"),
                arguments("{ client_secret_file: /s }", "", "", "issuers[0].client", 5, "a client needs 'client_id'"),
                arguments("{ client_id: 0oa1, client_secret: hunter2 }", "", "", "issuers[0].client.client_secret", 6,
                        "client_secret"),
                arguments("{ client_id: 0oa1, client_secret_file: /s, redirect_uri: 'https://gate.example.com/cb' }",
                        "", "", "issuers[0].client.redirect_uri", 6, "must be exactly that"),
                arguments("{ client_id: 0oa1, client_secret_file: /s, redirect_uri: 'http://gate.example.com/.portcullis/callback' }",
                        "", "", "issuers[0].client.redirect_uri", 6, "plain http is accepted for loopback addresses only"),
                arguments("{ client_id: 0oa1, client_secret_file: /s, session_max_age: 1h, session_idle_timeout: 2h }",
                        "", "", "issuers[0].client.session_idle_timeout", 6, "longer than 'session_max_age'"),
                arguments("{ client_id: 0oa1, client_secret_file: /s, refresh_before: 0s }", "", "",
                        "issuers[0].client.refresh_before", 6, "at least"),
                arguments(CLIENT, "login: sometimes", "", "routes[0].login", 16, "expected 'bearer' or 'browser'"),
                arguments(CLIENT, "public: true", "", "routes[0].login", 14, "a public route signs no one in"),
                arguments(CLIENT, "", "sessions: { max_sessions: 0 }", "sessions.max_sessions", 18, "between 1 and"),
                arguments(CLIENT, "", "sessions: { cookie: x }", "sessions.cookie", 18, "cookie"));
    }

    @ParameterizedTest
    @MethodSource
    void refused(String client, String route, String top, String path, int line, String message) {
        String base = route.startsWith("login:") ? BASE.replace("    login: browser\n", "") : BASE;
        String text = base.replace("%CLIENT%", client).replace("%ROUTE%", route).replace("%TOP%", top);
        List<ConfigError> errors = catchThrowableOfType(ConfigException.class,
                () -> new ConfigReader().read(FILE, text)).errors();

        assertThat(errors).as("%s", errors).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.message()).contains(message);
        });
    }

    @Test
    void aRouteNeedsExactlyOneAcceptedIssuerWithAClient() {
        String noClient = BASE.replace("    client:\n      %CLIENT%\n", "").replace("%ROUTE%", "").replace("%TOP%", "");
        assertThat(catchThrowableOfType(ConfigException.class, () -> new ConfigReader().read(FILE, noClient)).errors())
                .anySatisfy(e -> {
                    assertThat(e.path()).isEqualTo("routes[0].login");
                    assertThat(e.message()).contains("needs an accepted issuer with a 'client'");
                });
        String twoClients = BASE.replace("%CLIENT%", CLIENT).replace("    issuers: [okta]\n", "")
                .replace("audiences: [api://other]", "audiences: [api://other]\n    client: " + CLIENT)
                .replace("%ROUTE%", "").replace("%TOP%", "");
        assertThat(catchThrowableOfType(ConfigException.class, () -> new ConfigReader().read(FILE, twoClients)).errors())
                .anySatisfy(e -> {
                    assertThat(e.path()).isEqualTo("routes[0].login");
                    assertThat(e.message()).contains("more than one accepted issuer has a 'client' (okta, other)");
                });
    }
}
