package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.portcullis.vocab.Reason;
import dev.portcullis.config.ConfigError;
import dev.portcullis.config.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Case files: what they say, and every mistake in them reported with its line. */
class CaseFileReaderTest {
    private final CaseFileReader reader = new CaseFileReader(Fixtures.model());

    @Test
    void readsCases() throws ConfigException {
        List<TestCase> cases = reader.read("cases.yaml", """
                cases:
                  - name: readers read
                    who: { sub: alice, issuer: okta, groups: [readers], scopes: orders.read,
                           claims: { department: [eng, ops], level: 3, email_verified: true } }
                    request: { method: GET, url: http://api.example.com/orders/1 }
                    expect: allow
                  - name: nobody
                    who: anonymous
                    request: { url: /docs/x }
                    expect: public_route
                """);

        assertThat(cases).hasSize(2);
        TestCase first = cases.get(0);
        assertThat(first.location()).isEqualTo("cases.yaml:2");
        assertThat(first.who().groups()).containsExactly("readers");
        assertThat(first.who().scopes()).containsExactly("orders.read");
        assertThat(first.who().claims()).containsEntry("department", List.of("eng", "ops")).containsEntry("level", "3")
                .as("a boolean stays a JSON boolean").containsEntry("email_verified", true);
        assertThat(first.expect()).isEqualTo(new Expectation("allow", 200, null));
        assertThat(cases.get(1).who()).isNull();
        assertThat(cases.get(1).method()).isEqualTo("GET");
        assertThat(cases.get(1).expect().reason()).isEqualTo(Reason.PUBLIC_ROUTE);
    }

    @Test
    void reportsEveryErrorWithItsLine() {
        assertThatThrownBy(() -> reader.read("cases.yaml", """
                cases:
                  - name: typo
                    who: { sub: alice, gropus: [readers] }
                    request: { url: /x }
                    expect: allow
                  - name: no who
                    request: { url: /x }
                    expect: deny
                  - name: bad expect
                    who: anonymous
                    request: { url: /x }
                    expect: alow
                  - name: unknown issuer
                    who: { issuer: google }
                    request: { method: GET }
                    expect: 401
                """))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.errors())
                        .extracting(ConfigError::toString)
                        .containsExactly(
                                "cases.yaml:3:24: cases[0].who.gropus: unknown key 'gropus': did you mean 'groups'? (expected one of claims, "
                                        + "email, groups, issuer, scopes, sub)",
                                "cases.yaml:6:5: cases[1].who: 'who' is required: expected 'anonymous' (no token) or a mapping such as "
                                        + "{ sub: alice, groups: [readers] }",
                                "cases.yaml:12:5: cases[2].expect: expected " + Expectation.choices()
                                        + ", was 'alow'",
                                "cases.yaml:14:12: cases[3].who.issuer: no issuer with id 'google' in the config",
                                "cases.yaml:15:5: cases[3].request.url: 'url' is required"));
    }

    @Test
    void aFileWithoutCasesIsAnError() {
        assertThatThrownBy(() -> reader.read("empty.yaml", "cases: []\n"))
                .hasMessageContaining("empty.yaml:1:1: expected 'cases:' with at least one case");
        assertThatThrownBy(() -> reader.read("bad.yaml", "cases: [ {\n"))
                .hasMessageStartingWith("bad.yaml:1:11: not valid YAML");
    }

    @Test
    void expectations() {
        assertThat(Expectation.parse("deny").orElseThrow().matches(Reason.DENY_RULE)).isTrue();
        assertThat(Expectation.parse("deny").orElseThrow().matches(Reason.TOKEN_MISSING)).isFalse();
        assertThat(Expectation.parse("allow").orElseThrow().matches(Reason.PUBLIC_ROUTE)).isTrue();
        assertThat(Expectation.parse("404").orElseThrow().matches(Reason.NO_ROUTE)).isTrue();
        assertThat(Expectation.parse("group_denied").orElseThrow().matches(Reason.DENY_RULE)).isFalse();
        assertThat(Expectation.parse("token_expired")).isEmpty();
        assertThat(Expectation.parse("500")).isEmpty();
    }
}
