package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code shared_state.redis}: read with its defaults, and every refusal at its path and line. */
class SharedStateConfigTest {
    private static final String FILE = "portcullis.yaml";
    @TempDir
    static Path dir;
    static String key1;
    static String key2;
    static String shortKey;
    static String password;

    /** {@code %REDIS%} starts at line 10 (11 with a browser route, whose issuer then has a client line). */
    private static final String BASE = """
            issuers:
              - id: okta
                issuer: https://example.okta.com/oauth2/default
                audiences: [api://default]
            routes:
              - { id: api, match: { path: /api/** }, upstream: "http://127.0.0.1:9003", allow: [ { groups_any: [a] } ] }
            %BROWSER%
            shared_state:
              redis:
            %REDIS%
            """;

    @BeforeAll
    static void files() throws IOException {
        key1 = write("k1", 32);
        key2 = write("k2", 64);
        shortKey = write("short", 31);
        password = write("pw", 12);
    }

    private static String write(String name, int bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, new byte[bytes]);
        return p.toString();
    }

    private static String text(String redis, boolean browser) {
        String b = browser ? "  - { id: app, match: { path: /app/** }, upstream: \"http://127.0.0.1:9004\", login: browser,"
                + " allow: [ { groups_any: [a] } ] }" : "";
        String t = BASE.replace("%REDIS%", redis.indent(4).stripTrailing()).replace("%BROWSER%", b);
        return browser ? t.replace("    audiences: [api://default]\n",
                "    audiences: [api://default]\n    client: { client_id: c, client_secret_file: " + password + " }\n") : t;
    }

    @Test
    void withoutTheSectionStateStaysInMemory() throws ConfigException {
        ProxyConfig c = new ConfigReader().read(FILE, BASE.replace("shared_state:\n  redis:\n%REDIS%\n", "")
                .replace("%BROWSER%", ""));
        assertThat(c.sharedState()).isEqualTo(SharedStateConfig.NONE);
    }

    @Test
    void theIssuesExampleIsRead() throws ConfigException {
        ProxyConfig c = new ConfigReader().read(FILE, text("uri: rediss://redis.internal:6380\nusername: portcullis\n"
                + "password_file: " + password + "\nca_file: " + password + "\nkey_prefix: \"portcullis:prod:\"\n"
                + "session_keys_files: [" + key2 + ", " + key1 + "]\ntimeout: 150ms", true));
        assertThat(c.sharedState().redis()).isEqualTo(new SharedStateConfig.Redis("rediss://redis.internal:6380",
                "portcullis", password, password, "portcullis:prod:", List.of(key2, key1), Duration.ofMillis(150)));
    }

    @Test
    void defaults() throws ConfigException {
        ProxyConfig c = new ConfigReader().read(FILE, text("uri: redis://127.0.0.1:6379", false));
        assertThat(c.sharedState().redis()).isEqualTo(new SharedStateConfig.Redis("redis://127.0.0.1:6379", null, null,
                null, "portcullis:", List.of(), Duration.ofMillis(200)));
        assertThat(c.sharedState().redis()).isEqualTo(new SharedStateConfig.Redis("redis://127.0.0.1:6379", null, null,
                null, "portcullis:", List.of(), Duration.ofMillis(200), 16 * 1024, Duration.ofSeconds(10), 1000, null));
        assertThat(c.sharedState().redis().blockOutbox()).isEqualTo(10_000);
        assertThat(c.sharedState().redis().eventOutbox(10_000)).as("okta.event_hook.queue_capacity's default")
                .isEqualTo(10_000);
        assertThat(c.sharedState().redis().eventOutbox(250)).as("follows okta.event_hook.queue_capacity").isEqualTo(250);
    }

    static Stream<Arguments> limits() {
        return Stream.of(
                arguments("max_session_size: 1024", 1024, Duration.ofSeconds(10), 1000, null),
                arguments("max_session_size: 1048576", 1 << 20, Duration.ofSeconds(10), 1000, null),
                arguments("refresh_lock: 6s", 16 * 1024, Duration.ofSeconds(6), 1000, null),
                arguments("refresh_lock: 1m", 16 * 1024, Duration.ofMinutes(1), 1000, null),
                arguments("max_pending: 10", 16 * 1024, Duration.ofSeconds(10), 10, null),
                arguments("max_pending: 100000", 16 * 1024, Duration.ofSeconds(10), 100_000, null),
                arguments("event_outbox: 1", 16 * 1024, Duration.ofSeconds(10), 1000, 1),
                arguments("event_outbox: 1000000", 16 * 1024, Duration.ofSeconds(10), 1000, 1_000_000));
    }

    @ParameterizedTest
    @MethodSource
    void limits(String line, int maxSessionSize, Duration refreshLock, int maxPending, Integer eventOutbox)
            throws ConfigException {
        SharedStateConfig.Redis r = new ConfigReader().read(FILE, text("uri: redis://127.0.0.1:6379\n" + line, false))
                .sharedState().redis();
        assertThat(r).isEqualTo(new SharedStateConfig.Redis("redis://127.0.0.1:6379", null, null, null, "portcullis:",
                List.of(), Duration.ofMillis(200), maxSessionSize, refreshLock, maxPending, eventOutbox));
        assertThat(r.eventOutbox(10_000)).isEqualTo(eventOutbox == null ? 10_000 : eventOutbox);
        assertThat(r.blockOutbox()).isEqualTo(maxPending * 10);
    }

    static Stream<Arguments> refused() {
        String r = "shared_state.redis";
        return Stream.of(
                arguments("username: u", false, r, 9, "needs 'uri'"),
                arguments("uri: redis://redis.internal:6379", false, r + ".uri", 10, "loopback addresses only"),
                arguments("uri: redis://10.0.0.5:6379", false, r + ".uri", 10, "loopback addresses only"),
                arguments("uri: http://127.0.0.1:6379", false, r + ".uri", 10, "expected rediss://"),
                arguments("uri: rediss://user:secret@redis.internal:6380", false, r + ".uri", 10, "no user or password"),
                arguments("uri: rediss://redis.internal:6380/0", false, r + ".uri", 10, "no path"),
                arguments("uri: rediss://r:6380\npassword: x", false, r + ".password", 11, "unknown"),
                arguments("uri: rediss://r:6380\npassword_file: /nonexistent/pw", false, r + ".password_file", 11, "cannot read"),
                arguments("uri: rediss://r:6380\nca_file: /nonexistent/ca.pem", false, r + ".ca_file", 11, "cannot read"),
                arguments("uri: redis://127.0.0.1:6379\nca_file: " + password, false, r + ".ca_file", 11, "needs a rediss://"),
                arguments("uri: rediss://r:6380\nusername: u", false, r + ".username", 11, "needs 'password_file'"),
                arguments("uri: rediss://r:6380\nkey_prefix: \"a b\"", false, r + ".key_prefix", 11, "1 to 64"),
                arguments("uri: rediss://r:6380\nkey_prefix: \"\"", false, r + ".key_prefix", 11, "1 to 64"),
                arguments("uri: rediss://r:6380\ntimeout: 5ms", false, r + ".timeout", 11, "at least"),
                arguments("uri: rediss://r:6380\ntimeout: 11s", false, r + ".timeout", 11, "at most 10s"),
                arguments("uri: rediss://r:6380\nmax_session_size: 1023", false, r + ".max_session_size", 11,
                        "between 1024 and 1048576"),
                arguments("uri: rediss://r:6380\nmax_session_size: 1048577", false, r + ".max_session_size", 11,
                        "between 1024 and 1048576"),
                arguments("uri: rediss://r:6380\nmax_session_size: 16KiB", false, r + ".max_session_size", 11,
                        "expected a whole number"),
                arguments("uri: rediss://r:6380\nrefresh_lock: 5s", false, r + ".refresh_lock", 11,
                        "longer than the token endpoint call's timeout (5s)"),
                arguments("uri: rediss://r:6380\nrefresh_lock: 500ms", false, r + ".refresh_lock", 11,
                        "longer than the token endpoint call's timeout"),
                arguments("uri: rediss://r:6380\nrefresh_lock: 61s", false, r + ".refresh_lock", 11, "at most 1m"),
                arguments("uri: rediss://r:6380\nrefresh_lock: 10", false, r + ".refresh_lock", 11, "expected a duration"),
                arguments("uri: rediss://r:6380\nmax_pending: 9", false, r + ".max_pending", 11, "between 10 and 100000"),
                arguments("uri: rediss://r:6380\nmax_pending: 100001", false, r + ".max_pending", 11,
                        "between 10 and 100000"),
                arguments("uri: rediss://r:6380\nmax_pending: many", false, r + ".max_pending", 11, "expected a whole number"),
                arguments("uri: rediss://r:6380\nevent_outbox: 0", false, r + ".event_outbox", 11, "between 1 and 1000000"),
                arguments("uri: rediss://r:6380\nevent_outbox: 1000001", false, r + ".event_outbox", 11,
                        "between 1 and 1000000"),
                arguments("uri: rediss://r:6380\nevent_outbox: 1.5", false, r + ".event_outbox", 11,
                        "expected a whole number"),
                arguments("uri: rediss://r:6380", true, r, 10, "need 'session_keys_files'"),
                arguments("uri: rediss://r:6380\nsession_keys_files: [" + shortKey + "]", true,
                        r + ".session_keys_files[0]", 12, "at least 32 bytes"),
                arguments("uri: rediss://r:6380\nsession_keys_files: [" + key1 + ", /nonexistent/k]", true,
                        r + ".session_keys_files[1]", 12, "cannot read"));
    }

    @ParameterizedTest
    @MethodSource
    void refused(String redis, boolean browser, String path, int line, String message) {
        String t = text(redis, browser);
        List<ConfigError> errors = catchThrowableOfType(ConfigException.class, () -> new ConfigReader().read(FILE, t))
                .errors();
        assertThat(errors).as("%s", errors).anySatisfy(e -> {
            assertThat(e.path()).isEqualTo(path);
            assertThat(e.line()).isEqualTo(line);
            assertThat(e.message()).contains(message);
        });
    }
}
