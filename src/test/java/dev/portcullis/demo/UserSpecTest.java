package dev.portcullis.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code dev-issuer --user NAME[:GROUP,GROUP…[:SCOPE SCOPE…]]}, read exactly or refused in one line. */
class UserSpecTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = ';', value = {
        "alice;                                 alice; alice@example.com; ;                   openid|profile|email",
        "alice:;                                alice; alice@example.com; ;                   openid|profile|email",
        "ann:finance,Everyone;                  ann;   ann@example.com;   finance|Everyone;   openid|profile|email",
        "ann:finance:openid orders.read;        ann;   ann@example.com;   finance;            openid|orders.read",
        "ann:finance:openid,orders.read;        ann;   ann@example.com;   finance;            openid|orders.read",
        "ann: a b , c ,a:x  x;                  ann;   ann@example.com;   a b|c|a;            x",
        "ann:finance:;                          ann;   ann@example.com;   finance;            ",
        "ben.o-k+1@corp.example:ops;            ben.o-k+1; ben.o-k+1@corp.example; ops;       openid|profile|email",
    })
    void readsNameGroupsAndScopes(String spec, String login, String email, String groups, String scopes) {
        DemoUser u = UserSpec.parse(spec);

        assertThat(u.login()).isEqualTo(login);
        assertThat(u.email()).isEqualTo(email);
        assertThat(u.groups()).containsExactly(groups == null ? new String[0] : groups.split("\\|"));
        assertThat(u.scopes()).containsExactly(scopes == null ? new String[0] : scopes.split("\\|"));
        assertThat(u.uid()).startsWith("00u").hasSize(20).isEqualTo(UserSpec.parse(spec).uid());
    }

    @ParameterizedTest(name = "[{index}] {1}")
    @CsvSource(delimiter = ';', value = {
        "'';                    the user name is empty",
        ":finance;              the user name is empty",
        "ann:finance:openid:x;  too many ':'",
        "ann smith:finance;     is not a user name",
        "ann@:finance;          is not a user name",
        "ann:a,,b;              a group name is empty",
        "'ann:a,';              a group name is empty",
        "ann:finance:a\"b;       is not a scope",
        "ann:finance:é;         is not a scope",
    })
    void refusesWhatItCannotReadExactly(String spec, String message) {
        assertThatThrownBy(() -> UserSpec.parse(spec)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message).satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void aUserGivenTwiceIsRefusedAndNoneMeansTheDemoUsers() {
        assertThatThrownBy(() -> DevUsers.of(List.of(UserSpec.parse("ann"), UserSpec.parse("ANN:x"))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("given twice");
        assertThatThrownBy(() -> DevUsers.of(List.of(UserSpec.parse("ann"), UserSpec.parse("ann@example.com"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(DevUsers.of(List.of()).all()).isEqualTo(DemoUsers.USERS);
    }

    @Test
    void tooManyGroupsAreRefused() {
        String many = String.join(",", java.util.stream.IntStream.rangeClosed(1, UserSpec.MAX_GROUPS + 1)
                .mapToObj(i -> "g" + i).toList());

        assertThat(UserSpec.parse("ann:" + many.substring(0, many.lastIndexOf(','))).groups())
                .hasSize(UserSpec.MAX_GROUPS);
        assertThatThrownBy(() -> UserSpec.parse("ann:" + many)).hasMessageContaining("more than 1000 groups");
    }
}
