package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What {@code validate} and {@code run} print for a config with mistakes: by position, and exit 1. */
class ConfigErrorOutputTest {
    /** Found in the order line 17 (top-level key), 16 (route key), 11 (validator). */
    private static final String OUT_OF_ORDER = """
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

    @TempDir
    Path dir;

    /** Runs the command line with System.err captured (the commands print config errors there). */
    static Cli runCapturingStderr(String... args) {
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            Cli cli = Cli.run(args);
            // The fuzz tests' Jazzer agent, in this JVM, prints a line to System.err for each class it
            // instruments as it loads: not the command's output.
            String printed = err.toString(StandardCharsets.UTF_8).lines()
                    .filter(l -> !l.startsWith("INFO: Instrumented ")).map(l -> l + "\n")
                    .collect(java.util.stream.Collectors.joining());
            return new Cli(cli.exit(), cli.out(), printed + cli.err());
        } finally {
            System.setErr(before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"validate", "run"})
    void errorsArePrintedByLine(String verb) throws Exception {
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, OUT_OF_ORDER);

        Cli r = runCapturingStderr(verb, "--config", file.toString());

        assertThat(r.exit()).isEqualTo(1);
        String at = Pattern.quote(file + ":") + "\\d.*";
        List<String> located = r.err().lines().filter(l -> l.matches(at)).toList();
        assertThat(located).hasSize(3);
        assertThat(located.get(0)).startsWith(file + ":11:5: routes[0].forward_token: ");
        assertThat(located.get(1)).startsWith(file + ":16:5: routes[1].timeout_connect: unknown key");
        assertThat(located.get(2)).startsWith(file + ":17:1: lisen: unknown key 'lisen': did you mean 'listen'?");
    }

    @ParameterizedTest
    @ValueSource(strings = {"validate", "run"})
    void aYamlSyntaxErrorIsOneLocatedLineAndAHint(String verb) throws Exception {
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, "listen: 127.0.0.1:8080\nroutes:\n  - id: orders\n\tupstream: http://127.0.0.1:9001\n");

        Cli r = runCapturingStderr(verb, "--config", file.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith(file + ":4:1: not valid YAML: a tab indents this line, and YAML does not "
                + "allow tabs in indentation\n  hint: indent with spaces only").doesNotContain("Exception", "\tat ");
    }
}
