package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code routes[].websocket}: read, defaulted, refused at file:line:column. */
class WebSocketConfigTest {
    private static final String FILE = "portcullis.yaml";

    /** {@code %WS%} is on line 6. */
    private static final String BASE = """
            routes:
              - id: chat
                match: { path: /chat/** }
                upstream: http://127.0.0.1:9003
                public: true
                %WS%
            """;

    private static RouteConfig route(String ws) throws ConfigException {
        return new ConfigReader().read(FILE, BASE.replace("%WS%", ws)).routes().get(0);
    }

    @Test
    void aRouteWithoutItTakesNoUpgrades() throws ConfigException {
        assertThat(route("").websocket()).isEqualTo(WebSocketConfig.DISABLED);
        assertThat(WebSocketConfig.DISABLED.enabled()).isFalse();
    }

    @Test
    void theDefaultsAreSafeAndEveryKeyIsRead() throws ConfigException {
        assertThat(route("websocket: { enabled: true }").websocket()).isEqualTo(
                new WebSocketConfig(true, true, Duration.ofMinutes(5), Duration.ofHours(1)));
        assertThat(route("websocket: { enabled: true, close_on_expiry: false, idle_timeout: 30s, max_lifetime: 8h }")
                .websocket()).isEqualTo(new WebSocketConfig(true, false, Duration.ofSeconds(30), Duration.ofHours(8)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "websocket: true                                 | routes[0].websocket              | 6 | expected a mapping",
        "websocket: { enabled: yes-please }              | routes[0].websocket.enabled      | 6 | ",
        "websocket: { enabled: true, idle_timeout: 0s }  | routes[0].websocket.idle_timeout | 6 | longer than 0s",
        "websocket: { enabled: true, max_lifetime: -1s } | routes[0].websocket.max_lifetime | 6 | duration",
        "websocket: { enabled: true, max_frame: 1 }      | routes[0].websocket.max_frame    | 6 | ",
    })
    void aWrongValueIsReportedWhereItIs(String ws, String path, int line, String message) {
        List<ConfigError> errors = catchThrowableOfType(ConfigException.class, () -> route(ws)).errors();
        assertThat(errors).as("%s", errors).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.column()).isPositive();
            assertThat(e.message()).contains(message == null ? "" : message);
        });
    }
}
