package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.demo.DemoUser;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** {@code dev-issuer --user}: parsed in order; a bad one is one line on stderr and exit 2, before anything listens. */
class DevIssuerCommandTest {

    @Test
    void usersAreParsedInOrder() {
        List<DemoUser> users = DevIssuerCommand.parse(List.of("ann:finance,Everyone:openid orders.read", "ben"));

        assertThat(users).extracting(DemoUser::login).containsExactly("ann", "ben");
        assertThat(users.get(0).groups()).containsExactly("finance", "Everyone");
        assertThat(users.get(0).scopes()).containsExactly("openid", "orders.read");
        assertThat(users.get(1).groups()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ann:a:b:c", "ann smith:finance", ":finance", "ann:a,,b", "ann:x:a\"b"})
    void aBadUserIsOneLineAndExitTwo(String spec) {
        Cli r = Cli.run("dev-issuer", "--port", "0", "--user", "ok:x", "--user", spec);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("dev-issuer: --user '" + spec + "': ")
                .endsWith("(expected NAME[:GROUP,GROUP…[:SCOPE SCOPE…]])").doesNotContain("\n", "Exception", "\tat ");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void aUserGivenTwiceIsOneLineAndExitTwo() {
        Cli r = Cli.run("dev-issuer", "--port", "0", "--user", "ann:x", "--user", "ANN");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("dev-issuer: user 'ANN' is given twice");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--event-hook-url=http://127.0.0.1:1/.portcullis/okta/events",
        "--event-hook-secret-file=/nonexistent/secret"})
    void anEventHookNeedsBothItsUrlAndItsSecretFile(String flag) {
        Cli r = Cli.run("dev-issuer", "--port", "0", flag);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("dev-issuer: --event-hook-").doesNotContain("\n", "Exception");
    }

    @Test
    void anUnreadableSecretFileIsOneLineAndExitTwo() {
        Cli r = Cli.run("dev-issuer", "--port", "0", "--event-hook-url", "http://127.0.0.1:1/x",
                "--event-hook-secret-file", "/nonexistent/secret");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("dev-issuer: --event-hook-secret-file /nonexistent/secret: cannot read it"
                + " (NoSuchFileException)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"--redirect-uri=https://evil.example/.portcullis/callback",
        "--post-logout-redirect-uri=http://evil.example/", "--redirect-uri=http://127.0.0.1/cb#frag",
        "--client-secret-file=/nonexistent/secret"})
    void aBadBrowserClientOptionIsOneLineAndExitTwo(String flag) {
        Cli r = Cli.run("dev-issuer", "--port", "0", flag);

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).startsWith("dev-issuer: ").doesNotContain("\n", "\tat ", "Exception:");
    }
}
