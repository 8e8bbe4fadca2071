package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.demo.DevIssuer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The demo's config turns the membership features on with the secrets it writes; its guide shows them. */
class DemoGuideTest {
    private static DevIssuer issuer;

    @BeforeAll
    static void start() {
        issuer = DevIssuer.start(0);
    }

    @AfterAll
    static void stop() {
        issuer.close();
    }

    @Test
    void theDemoConfigTurnsOnTheEventHookAndTheAdminTokenWithTheSecretsItWrites() throws Exception {
        DemoSecrets secrets = DemoSecrets.write();
        String text = DemoCommand.configText(secrets, issuer, 18080, 19090, 19001, 19002, 19003, 19004);

        assertThat(text).doesNotContain("@").doesNotContain(secrets.hookSecret(), secrets.adminToken());
        ProxyConfig config = new ConfigReader().read("demo.yaml", text);
        assertThat(config.membershipOverlay()).isTrue();
        assertThat(config.okta().orgUrl()).isEqualTo(issuer.orgUrl());
        assertThat(config.okta().eventHook().secretHeader()).isEqualTo("Authorization");
        assertThat(Files.readString(java.nio.file.Path.of(config.okta().eventHook().secretFile())).strip())
                .isEqualTo(secrets.hookSecret());
        assertThat(Files.readString(java.nio.file.Path.of(config.admin().tokenFile())).strip())
                .isEqualTo(secrets.adminToken());
        assertThat(Files.readString(java.nio.file.Path.of(config.okta().apiToken().file())).strip())
                .isEqualTo(secrets.apiToken());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(
                java.nio.file.Path.of(config.admin().tokenFile())))).isEqualTo("rw-------");
        assertThat(config.issuers()).allSatisfy(i -> assertThat(i.maxTokenLifetime()).isNotNull());
    }

    @Test
    void theGuidePrintsTheMembershipChangeAndTheSameTokensSecondDelete() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DemoCommand.printGuide(new PrintStream(bytes, true, StandardCharsets.UTF_8), issuer, 8080, 9090);
        String guide = bytes.toString(StandardCharsets.UTF_8);

        String delete = "curl -i -X DELETE -H \"Authorization: Bearer $BOB\" http://127.0.0.1:8080/orders/42";
        String remove = "curl -s -X POST -d '{\"user\":\"bob\",\"group\":\"orders-admins\",\"action\":\"remove\"}' "
                + issuer.orgUrl() + "/dev/membership";
        assertThat(guide).contains("BOB=$(curl -s '" + issuer.issuer() + "/v1/dev/token?user=bob')");
        int first = guide.indexOf(delete);
        int change = guide.indexOf(remove);
        int second = guide.indexOf(delete, change);
        assertThat(first).isPositive().isLessThan(change);
        assertThat(second).isGreaterThan(change);
        assertThat(guide.substring(guide.lastIndexOf("# ", first))).startsWith("# 200: bob is in orders-admins");
        assertThat(guide.substring(guide.lastIndexOf("# ", change))).startsWith("# 403: remove bob from orders-admins");
    }

    @Test
    void theDemoConfigHasABrowserRouteWhoseClientSecretIsInAFile() throws Exception {
        DemoSecrets secrets = DemoSecrets.write();
        String text = DemoCommand.configText(secrets, issuer, 18080, 19090, 19001, 19002, 19003, 19004);

        assertThat(text).doesNotContain(secrets.clientSecret()).contains("client_id: portcullis-demo",
                "post_logout_redirect_uri: http://127.0.0.1:18080/app/");
        assertThat(Files.readString(secrets.file(DemoSecrets.CLIENT_SECRET)).strip()).isEqualTo(secrets.clientSecret());
        assertThat(Files.getPosixFilePermissions(secrets.file(DemoSecrets.CLIENT_SECRET)))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        ProxyConfig config = new ConfigReader().read("demo.yaml", text);
        var app = config.routes().stream().filter(r -> r.id().equals("app")).findFirst().orElseThrow();
        assertThat(app.browserLogin()).isTrue();
        assertThat(app.upstreams()).containsExactly("http://127.0.0.1:19004");
        var client = config.issuers().get(0).client();
        assertThat(client.clientId()).isEqualTo(DevIssuer.CLIENT_ID);
        assertThat(client.refreshBefore()).as("5m tokens").isEqualTo(java.time.Duration.ofSeconds(60));

        String anyPort = DemoCommand.configText(secrets, issuer, 0, 0, 19001, 19002, 19003, 19004);
        assertThat(new ConfigReader().read("demo.yaml", anyPort).issuers().get(0).client().postLogoutRedirectUri())
                .as("--port 0: the proxy's port is unknown, so sign-out ends at the proxy").isNull();
    }

    @Test
    void theGuidePrintsTheBrowserUrlAndTheTokenLifetime() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DemoCommand.printGuide(new PrintStream(bytes, true, StandardCharsets.UTF_8), issuer, 8080, 9090);
        String guide = bytes.toString(StandardCharsets.UTF_8);

        assertThat(guide).contains("In a browser: http://127.0.0.1:8080/app/", "access tokens live 5m");
        assertThat(guide).contains("# 302: a browser's navigation to the app",
                "curl -si -H 'Accept: text/html' http://127.0.0.1:8080/app/");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"2m, 60s", "5m, 60s", "120s, 60s", "20s, 10s", "3s, 1s", "1s, 1s"})
    void refreshBeforeIsAtMostHalfTheTokenLifetime(String lifetime, String expected) {
        assertThat(DemoCommand.refreshBefore(dev.portcullis.config.Durations.parse(lifetime)))
                .isEqualTo(dev.portcullis.config.Durations.parse(expected));
    }
}
