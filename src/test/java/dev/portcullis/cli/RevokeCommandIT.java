package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.it.Harness;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis revoke} against a running proxy, over its admin listener. */
class RevokeCommandIT {
    static final String ADMIN_TOKEN = "cli-admin-token-0123456789abcdef";
    static Harness h;
    @TempDir
    static Path dir;
    static Path tokenFile;
    static Path config;

    @BeforeAll
    static void start() throws Exception {
        tokenFile = dir.resolve("admin-token");
        Files.writeString(tokenFile, ADMIN_TOKEN + "\n");
        h = new Harness().start(withAdmin(0, tokenFile));
        config = dir.resolve("portcullis.yaml");
        Files.writeString(config, h.fill(withAdmin(h.proxy().adminPort(), tokenFile)));
    }

    @AfterAll
    static void stop() throws Exception {
        h.close();
    }

    static String withAdmin(int port, Path token) {
        return Harness.defaultConfig().replace("admin: { listen: 127.0.0.1:0 }",
                "admin: { listen: 127.0.0.1:" + port + (token == null ? "" : ", token_file: " + token) + " }");
    }

    private static String token(String sub, String... groups) {
        return h.token(sub, Map.of("uid", "00u-" + sub, "groups", List.of(groups)));
    }

    @Test
    void revokingASubjectRefusesItsEarlierTokensAtOnce() throws Exception {
        String frank = token("frank", "orders-readers");
        assertThat(h.get("/orders/1", frank).statusCode()).isEqualTo(200);

        Cli cli = Cli.run("revoke", "--config", config.toString(), "--sub", "frank", "--reason", "left the company");

        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(cli.out()).startsWith("revoked sub frank (tokens issued before ").contains("event operator-");
        var res = h.get("/orders/2", frank);
        assertThat(res.statusCode()).isEqualTo(403);
        assertThat(res.body()).contains("operator_revoked");
    }

    @Test
    void revokingOneGroupTakesOnlyThatGroup() throws Exception {
        String gina = token("gina", "orders-readers", "orders-admins");
        assertThat(h.send("DELETE", "/orders/3", gina, null).statusCode()).isEqualTo(200);

        Cli cli = Cli.run("revoke", "-c", config.toString(), "--sub", "gina", "--group", "orders-admins");

        assertThat(cli.exit()).as(cli.err()).isZero();
        var denied = h.send("DELETE", "/orders/4", gina, null);
        assertThat(denied.statusCode()).isEqualTo(403);
        assertThat(denied.body()).contains("membership_revoked");
        assertThat(h.get("/orders/5", gina).statusCode()).isEqualTo(200);
    }

    @Test
    void revokingByUid() throws Exception {
        String hal = token("hal", "orders-readers");
        Cli cli = Cli.run("revoke", "-c", config.toString(), "--uid", "00u-hal");
        assertThat(cli.exit()).as(cli.err()).isZero();
        assertThat(h.get("/orders/6", hal).statusCode()).isEqualTo(403);
    }

    @Test
    void usageAndConfigErrorsExitTwoInOneLine() throws Exception {
        Cli noUser = Cli.run("revoke", "-c", config.toString());
        assertThat(noUser.exit()).isEqualTo(2);
        assertThat(noUser.err().strip()).isEqualTo("portcullis revoke: name the user with --sub or --uid");

        Path noToken = dir.resolve("no-token.yaml");
        Files.writeString(noToken, h.fill(withAdmin(h.proxy().adminPort(), null)));
        Cli cli = Cli.run("revoke", "-c", noToken.toString(), "--sub", "x");
        assertThat(cli.exit()).isEqualTo(2);
        assertThat(cli.err().strip()).contains("has no admin.token_file").doesNotContain("\n");

        Path missingFile = dir.resolve("missing-token.yaml");
        Files.writeString(missingFile, h.fill(withAdmin(h.proxy().adminPort(), dir.resolve("nope"))));
        Cli missing = Cli.run("revoke", "-c", missingFile.toString(), "--sub", "x");
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err().strip()).startsWith("portcullis revoke: cannot read admin.token_file");

        assertThat(Cli.run("revoke", "--sub", "x").exit()).as("--config is required").isEqualTo(2);
    }

    @Test
    void aWrongTokenOrNoProxyExitsOneInOneLine() throws Exception {
        Path wrong = dir.resolve("wrong-token");
        Files.writeString(wrong, "not-the-admin-token-at-all-0000");
        Path wrongConfig = dir.resolve("wrong.yaml");
        Files.writeString(wrongConfig, h.fill(withAdmin(h.proxy().adminPort(), wrong)));
        Cli refused = Cli.run("revoke", "-c", wrongConfig.toString(), "--sub", "x");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err().strip()).contains("answered 401").doesNotContain("\n");

        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path nobody = dir.resolve("nobody.yaml");
        Files.writeString(nobody, h.fill(withAdmin(closed, tokenFile)));
        Cli unreachable = Cli.run("revoke", "-c", nobody.toString(), "--sub", "x");
        assertThat(unreachable.exit()).isEqualTo(1);
        assertThat(unreachable.err().strip()).startsWith("portcullis revoke: cannot reach the admin listener at")
                .doesNotContain("\n");
    }
}
