package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis validate} shows load-time refusals with file:line:column and exits 1. */
class ValidateCommandTest {
    @Test
    void forwardTokenOnAPublicRouteIsReportedWhereItIs(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, """
                routes:
                  - id: docs
                    match: { path: /public/** }
                    upstream: http://127.0.0.1:9002
                    public: true
                    forward_token: true
                """);
        PrintStream before = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        Cli cli;
        try {
            cli = Cli.run("validate", "-c", file.toString());
        } finally {
            System.setErr(before);
        }
        assertThat(cli.exit()).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(file + ":6:5: routes[0].forward_token: "
                + "a public route never verifies a token");
    }

    @Test
    void aStarInAPlainClaimValueIsAWarningWithItsPlaceAndTheFileStillValidates(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("portcullis.yaml");
        Files.writeString(file, """
                issuers:
                  - { id: okta, issuer: https://dev-123456.okta.com/oauth2/default, audiences: [api://default] }
                routes:
                  - id: staff
                    match: { path: /staff/** }
                    upstream: http://127.0.0.1:9001
                    allow: [ { claims: { email: ["*@example.com"] } } ]
                """);
        PrintStream before = System.err;
        PrintStream beforeOut = System.out;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        Cli cli;
        try {
            cli = Cli.run("validate", "-c", file.toString());
        } finally {
            System.setErr(before);
            System.setOut(beforeOut);
        }
        assertThat(cli.exit()).as("a warning does not fail validation").isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(file + ": OK");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("warning: " + file
                + ":7:26: routes[0].allow[0].claims.email: '*@example.com' is matched literally, '*' included: "
                + "to match the ending write { suffix: \"@example.com\" }");
    }
}
