package dev.portcullis.cli;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code validate --okta} and {@code report --members} through the real command line, against
 * WireMock standing in for Okta's Groups API: the org's groups in three pages, a group's members
 * in two, SSWS on every call.
 */
class OktaGroupsCommandIT {
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            issuers:
              - { id: okta, issuer: https://example.okta.com/oauth2/default, audiences: [api://default] }
            %OKTA%
            routes:
              - id: orders
                match: { path: /orders/** }
                upstream: http://127.0.0.1:9001
                deny:
                  - { groups_any: [%DENY%] }
                allow:
                  - { methods: [GET], groups_any: [orders-readers, %ADMINS%] }
                  - { methods: [DELETE], groups_all: [%ADMINS%] }
            """;
    private static final List<List<String>> ORG = List.of(List.of("orders-readers", "Everyone"),
            List.of("orders-admins", "orders-auditors"), List.of("suspended"));

    static WireMockServer okta;
    static Path token;

    @BeforeAll
    static void okta() throws Exception {
        okta = new WireMockServer(options().dynamicPort());
        okta.start();
        token = Files.createTempFile("okta-api-token", "");
        Files.writeString(token, "secret-ssws\n");
        for (int p = 0; p < ORG.size(); p++) {
            String url = "/api/v1/groups?" + (p == 0 ? "" : "after=p" + p + "&") + "limit=200";
            StringBuilder json = new StringBuilder("[");
            for (String g : ORG.get(p)) {
                json.append(json.length() > 1 ? "," : "").append("{\"id\":\"00g").append(g)
                        .append("\",\"profile\":{\"name\":\"").append(g).append("\"}}");
            }
            okta.stubFor(get(urlEqualTo(url)).withHeader("Authorization", equalTo("SSWS secret-ssws"))
                    .willReturn(page(json.append(']').toString(), p + 1 < ORG.size() ? "/api/v1/groups?after=p"
                            + (p + 1) + "&limit=200" : null)));
        }
        members("orders-admins", List.of(List.of("alice", "bob"), List.of("mallory")));
        members("orders-readers", List.of(List.of("carol", "mallory")));
        members("suspended", List.of(List.of("mallory")));
    }

    @AfterAll
    static void stop() {
        okta.stop();
    }

    static Stream<Arguments> typos() {
        return Stream.of(
                arguments("suspended", "orders-admins", 0, List.of("")),
                arguments("suspended", "orders-admin", 1, List.of("group 'orders-admin' is not in the Okta org: did "
                        + "you mean 'orders-admins'?", "an allow entry of route 'orders'")),
                arguments("suspnded", "orders-admins", 1, List.of("group 'suspnded' is not in the Okta org: did you"
                        + " mean 'suspended'?", "a deny entry of route 'orders': it never refuses anyone")),
                arguments("Orders-Admins", "orders-admins", 1, List.of("group 'Orders-Admins' is not in the Okta org:"
                        + " did you mean 'orders-admins'?")),
                arguments("quarantined", "orders-admins", 1, List.of("group 'quarantined' is not in the Okta org "
                        + "(a deny entry")));
    }

    @ParameterizedTest
    @MethodSource("typos")
    void validateOktaNamesEveryMissingGroupWithTheNearest(String deny, String admins, int exit, List<String> told,
            @TempDir Path dir) throws Exception {
        Cli r = Cli.run("validate", "--okta", "-c", config(dir, deny, admins, true).toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(exit);
        assertThat(r.err()).contains(told);
        if (exit == 0) {
            assertThat(r.out()).contains("every group the rules name (3) is in the Okta org");
        } else {
            assertThat(r.err()).containsPattern("portcullis\\.yaml:\\d+:\\d+: group '");
        }
        okta.verify(getRequestedFor(urlEqualTo("/api/v1/groups?after=p2&limit=200")));
    }

    @Test
    void aMissingGroupUsedTwiceIsListedAtEachPlaceDenyFirst(@TempDir Path dir) throws Exception {
        Cli r = Cli.run("validate", "--okta", "-c", config(dir, "suspnded", "orders-admin", true).toString());

        assertThat(r.exit()).isEqualTo(1);
        String[] lines = r.err().split("\n");
        assertThat(lines[0]).contains("'suspnded'");
        assertThat(r.err()).containsSubsequence("'orders-admin'", "'orders-admin'")
                .contains("3 group uses not in the Okta org (1 in deny entries)");
    }

    @Test
    void eachMissingGroupIsNamedWhereItIsWrittenInAnIncludedFileToo(@TempDir Path dir) throws Exception {
        Path cfg = config(dir, "suspnded", "orders-admins", true);
        Files.createDirectory(dir.resolve("routes.d"));
        Files.writeString(dir.resolve("routes.d/reports.yaml"), """
                routes:
                  - id: reports
                    match: { path: /reports/** }
                    upstream: http://127.0.0.1:9002
                    allow:
                      - { groups_all: [orders-readers, analysts] }
                """);
        Files.writeString(cfg, "include: routes.d\n" + Files.readString(cfg));

        Cli r = Cli.run("validate", "--okta", "-c", cfg.toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).contains(cfg + ":11:24: group 'suspnded' is not in the Okta org: did you mean 'suspended'?",
                dir.resolve("routes.d/reports.yaml") + ":6:40: group 'analysts' is not in the Okta org (an allow entry"
                        + " of route 'reports'");
    }

    @Test
    void withoutOrgOrCredentialsItSaysSoInOneLineAndExitsTwo(@TempDir Path dir) throws Exception {
        Cli r = Cli.run("validate", "--okta", "-c", config(dir, "suspended", "orders-admins", false).toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err().strip()).isEqualTo("validate --okta: the config needs okta.org_url and okta.api_token_file,"
                + " okta.api_token_env or okta.service_app to read the org's groups");

        Cli m = Cli.run("report", "--members", "-c", config(dir, "suspended", "orders-admins", false).toString());
        assertThat(m.exit()).isEqualTo(2);
        assertThat(m.err()).contains("report --members: the config needs okta.org_url");
    }

    @Test
    void invalidCredentialsAreExitTwo(@TempDir Path dir) throws Exception {
        Path wrong = dir.resolve("wrong-token");
        Files.writeString(wrong, "not-the-token");
        Path cfg = config(dir, "suspended", "orders-admins", true);
        Files.writeString(cfg, Files.readString(cfg).replace(token.toString(), wrong.toString()));
        okta.stubFor(get(urlPathEqualTo("/api/v1/groups")).withHeader("Authorization", equalTo("SSWS not-the-token"))
                .willReturn(aResponse().withStatus(401)));

        Cli r = Cli.run("validate", "--okta", "-c", cfg.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("validate --okta: cannot read the org's groups:", "401");
    }

    @Test
    void membersReportSaysWhoCanDoWhatInEachFormat(@TempDir Path dir) throws Exception {
        Path cfg = config(dir, "suspended", "orders-admins", true);

        Cli csv = Cli.run("report", "--members", "-c", cfg.toString(), "--format", "csv");
        assertThat(csv.exit()).as(csv.err()).isZero();
        assertThat(csv.out()).startsWith("user,groups,route,match,method,decision,reason\r\n")
                .contains("bob,orders-admins,orders,/orders/**,DELETE,allow,allowed\r\n",
                        "bob,orders-admins,orders,/orders/**,GET,allow,allowed\r\n",
                        "carol,orders-readers,orders,/orders/**,GET,allow,allowed\r\n",
                        "carol,orders-readers,orders,/orders/**,DELETE,refuse,group_denied\r\n",
                        "mallory,suspended; orders-readers; orders-admins,orders,/orders/**,DELETE,refuse,deny_rule\r\n",
                        "mallory,suspended; orders-readers; orders-admins,orders,/orders/**,GET,refuse,deny_rule\r\n",
                        "alice,orders-admins,orders,/orders/**,DELETE,allow,allowed\r\n")
                .doesNotContain("Everyone");
        okta.verify(getRequestedFor(urlEqualTo("/api/v1/groups/00gorders-admins/users?after=p1&limit=200")));

        Cli md = Cli.run("report", "--members", "-c", cfg.toString());
        assertThat(md.out()).startsWith("# Access by member: ").contains(
                "| `bob` | `orders-admins` | `orders` | `/orders/**` | DELETE | allow | allowed |",
                "| `mallory` | `suspended`, `orders-readers`, `orders-admins` | `orders` | `/orders/**` | DELETE | refuse"
                        + " | deny_rule |");

        Path out = dir.resolve("members.html");
        assertThat(Cli.run("report", "--members", "-c", cfg.toString(), "--format", "html", "--out", out.toString())
                .exit()).isZero();
        assertThat(Files.readString(out)).startsWith("<!DOCTYPE html>").contains(
                "<tr><td><code>bob</code></td><td>orders-admins</td><td><code>orders</code></td>"
                        + "<td><code>/orders/**</code></td><td>DELETE</td><td class=\"gain\">allow</td>",
                "<td>DELETE</td><td class=\"nobody\">refuse</td><td>deny_rule</td>");
        assertThat(Cli.run("report", "--members", "-c", cfg.toString(), "--format", "json").exit()).isEqualTo(2);
    }

    @Test
    void aGroupTheOrgLacksHasNobodyAndIsNamed(@TempDir Path dir) throws Exception {
        Cli r = Cli.run("report", "--members", "-c", config(dir, "suspnded", "orders-admins", true).toString(),
                "--format", "csv");
        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("group 'suspnded' is not in the Okta org: nobody is in it");
        assertThat(r.out()).contains("mallory,orders-readers; orders-admins,orders,/orders/**,DELETE,allow,allowed");
    }

    private static Path config(Path dir, String deny, String admins, boolean withOkta) throws Exception {
        Path cfg = dir.resolve("portcullis.yaml");
        Files.writeString(cfg, CONFIG.replace("%DENY%", deny).replace("%ADMINS%", admins).replace("%OKTA%", withOkta
                ? "okta: { org_url: '" + okta.baseUrl() + "', api_token_file: '" + token + "' }" : ""));
        return cfg;
    }

    /** A group's members, {@code profile.login} each, one page per list with a next link between. */
    private static void members(String group, List<List<String>> pages) {
        String base = "/api/v1/groups/00g" + group + "/users?";
        for (int p = 0; p < pages.size(); p++) {
            StringBuilder json = new StringBuilder("[");
            for (String login : pages.get(p)) {
                json.append(json.length() > 1 ? "," : "").append("{\"id\":\"00u").append(login)
                        .append("\",\"profile\":{\"login\":\"").append(login).append("\"}}");
            }
            okta.stubFor(get(urlEqualTo(base + (p == 0 ? "" : "after=p" + p + "&") + "limit=200"))
                    .willReturn(page(json.append(']').toString(),
                            p + 1 < pages.size() ? base + "after=p" + (p + 1) + "&limit=200" : null)));
        }
    }

    private static ResponseDefinitionBuilder page(String json, String next) {
        ResponseDefinitionBuilder r = aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withHeader("X-Rate-Limit-Remaining", "99")
                .withHeader("X-Rate-Limit-Reset", Long.toString(System.currentTimeMillis() / 1000 + 60))
                .withBody(json);
        return next == null ? r : r.withHeader("Link", "<" + okta.baseUrl() + next + ">; rel=\"next\"");
    }
}
