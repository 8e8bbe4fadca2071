package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.server.Portcullis;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Start-up failures over real sockets and paths, run in-process through picocli: one line that
 * names the address (and the key or flag that moves it) or the file, exit status 1, and no stack
 * trace unless the log level is DEBUG. Each test times out instead of hanging if the command
 * were to start after all.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StartupFailuresTest {
    @TempDir
    Path dir;

    /** What a command printed on stderr: picocli's err and System.err (the log, config errors). */
    private record Run(int exit, String err) {
    }

    private static Run run(String... args) {
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Cli cli;
        try {
            cli = Cli.run(args);
        } finally {
            System.setErr(before);
        }
        return new Run(cli.exit(), cli.err() + err.toString(StandardCharsets.UTF_8));
    }

    private static ServerSocket occupy() throws IOException {
        return new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    }

    private Path config(String listen, String admin) throws IOException {
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, """
                listen: %s
                admin: { listen: %s }
                routes:
                  - id: docs
                    match: { path: /docs/** }
                    upstream: http://127.0.0.1:9
                    public: true
                """.formatted(listen, admin));
        return file;
    }

    /**
     * No stack trace, nor an exception's name. The fuzz tests' agent (Jazzer), when it shares this
     * JVM, reports each class it instruments on stderr ({@code INFO: Instrumented …Exception…}): not
     * the proxy's output, so not looked at.
     */
    private static void assertNoStackTrace(String output) {
        String err = output.lines().filter(l -> !l.startsWith("INFO: Instrumented "))
                .collect(java.util.stream.Collectors.joining("\n"));
        assertThat(err).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("at dev.portcullis")
                .doesNotContain("at io.netty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"listen", "admin.listen"})
    void runWithAnAddressInUseSaysWhichOneInOneLine(String key) throws IOException {
        try (ServerSocket busy = occupy()) {
            String address = "127.0.0.1:" + busy.getLocalPort();
            Path file = key.equals("listen") ? config(address, "127.0.0.1:0") : config("127.0.0.1:0", address);

            Run r = run("run", "--config", file.toString());

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).containsOnlyOnce("portcullis run: " + key + ": " + address + " is in use\n");
            assertNoStackTrace(r.err());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"--port", "--admin-port", "--issuer-port", "--services-port"})
    void demoWithAPortInUseNamesTheFlagThatMovesIt(String flag) throws IOException {
        try (ServerSocket busy = occupy()) {
            int port = busy.getLocalPort();
            List<String> args = new java.util.ArrayList<>(List.of("demo"));
            for (String f : List.of("--port", "--admin-port", "--issuer-port", "--services-port")) {
                args.add(f + "=" + (f.equals(flag) ? port : 0));
            }

            Run r = run(args.toArray(String[]::new));

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).containsOnlyOnce("portcullis demo: 127.0.0.1:" + port
                    + " is in use; choose another port with " + flag + "\n");
            assertNoStackTrace(r.err());
        }
    }

    @Test
    void runWithAMissingConfigNamesThePathInOneLine() {
        Path missing = dir.resolve("nowhere").resolve("portcullis.yaml");

        Run r = run("run", "--config", missing.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(missing + ": cannot read file: no such file\n");
    }

    /**
     * An issuer that cannot be reached does not stop the start (its keys are fetched again with
     * back-off, and {@code /readyz} says not ready): the log says which issuer, at which URL, and
     * why, in one line.
     */
    @Test
    void anUnreachableIssuerIsOneLogLineWithItsUrlAndTheReason() throws Exception {
        int closed;
        try (ServerSocket s = occupy()) {
            closed = s.getLocalPort();
        }
        String issuer = "http://127.0.0.1:" + closed + "/oauth2/default";
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, """
                listen: 127.0.0.1:0
                admin: { listen: 127.0.0.1:0 }
                issuers:
                  - { id: okta, issuer: "%s", audiences: [api://default] }
                routes:
                  - id: orders
                    match: { path: /orders/** }
                    upstream: http://127.0.0.1:9
                    allow: [ { groups_any: [readers] } ]
                """.formatted(issuer));
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        String log;
        try (Portcullis p = Portcullis.startWatching(file, new ConfigReader().read(file))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!err.toString(StandardCharsets.UTF_8).contains("key fetch failed") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
        } finally {
            System.setErr(before);
            log = err.toString(StandardCharsets.UTF_8);
        }

        String line = log.lines().filter(l -> l.contains("key fetch failed")).findFirst().orElse(log);
        assertThat(line).contains("issuer okta (" + issuer + "): key fetch failed (GET " + issuer
                + "/.well-known/", ": connection refused)", "retrying in");
        assertNoStackTrace(log);
    }

    @Test
    void atDebugTheStackTraceIsThereToo() throws IOException {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        root.setLevel(Level.DEBUG);
        try (ServerSocket busy = occupy()) {
            String address = "127.0.0.1:" + busy.getLocalPort();

            Run r = run("run", "--config", config(address, "127.0.0.1:0").toString());

            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("portcullis run: listen: " + address + " is in use\n")
                    .contains("ListenException", "\tat dev.portcullis.server.ProxyServer.bind");
        } finally {
            root.setLevel(before);
        }
    }
}
