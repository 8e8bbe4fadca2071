package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code routes[].upstream_protocol}: read, defaulted, refused at file:line:column. */
class UpstreamProtocolConfigTest {
    private static final String FILE = "portcullis.yaml";

    /** {@code %P%} is on line 6. */
    private static final String BASE = """
            routes:
              - id: svc
                match: { path: /svc/** }
                upstream: %U%
                public: true
                %P%
            """;

    private static RouteConfig route(String upstream, String p) throws ConfigException {
        return new ConfigReader().read(FILE, BASE.replace("%U%", upstream).replace("%P%", p)).routes().get(0);
    }

    @ParameterizedTest(name = "{1} to {0}")
    @CsvSource(delimiter = '|', value = {
        "http://127.0.0.1:9003  |                              | HTTP1",
        "http://127.0.0.1:9003  | upstream_protocol: http1      | HTTP1",
        "http://127.0.0.1:9003  | upstream_protocol: h2c        | H2C",
        "http://127.0.0.1:9003  | upstream_protocol: h2         | H2",
        "https://127.0.0.1:9443 | upstream_protocol: h2         | H2",
        "https://127.0.0.1:9443 | upstream_protocol: http1      | HTTP1",
    })
    void isRead(String upstream, String p, UpstreamProtocol expected) throws ConfigException {
        assertThat(route(upstream, p == null ? "" : p).upstreamProtocol()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "http://127.0.0.1:9003  | upstream_protocol: http2                               | expected 'http1', 'h2' or 'h2c'",
        "http://127.0.0.1:9003  | upstream_protocol: H2C                                 | expected 'http1', 'h2' or 'h2c'",
        "http://127.0.0.1:9003  | upstream_protocol: true                                | expected a string",
        "https://127.0.0.1:9443 | upstream_protocol: h2c                                 | h2c is HTTP/2 over cleartext",
        "http://127.0.0.1:9003  | 'upstream_protocol: h2c, websocket: { enabled: true }' | websocket upgrades need HTTP/1.1",
        "http://127.0.0.1:9003  | 'upstream_protocol: h2, websocket: { enabled: true }'  | websocket upgrades need HTTP/1.1",
    })
    void aWrongValueIsReportedWhereItIs(String upstream, String p, String message) {
        String yaml = p.startsWith("upstream_protocol: h2") && p.contains("websocket") ? p.replace(", ", "\n    ") : p;
        List<ConfigError> errors = catchThrowableOfType(ConfigException.class, () -> route(upstream, yaml)).errors();
        assertThat(errors).as("%s", errors).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo("routes[0].upstream_protocol");
            assertThat(e.line()).isEqualTo(6);
            assertThat(e.column()).isPositive();
            assertThat(e.message()).contains(message);
        });
    }
}
