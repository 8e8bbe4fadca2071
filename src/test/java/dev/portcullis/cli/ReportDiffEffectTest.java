package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code report --diff} compares effective access, through the real command line: a table of
 * changes from one config to the next, each with the exit status of {@code --fail-on-gain} (1 only
 * when some caller really gains) and the rows it must print.
 */
class ReportDiffEffectTest {
    static final String BASE = """
            issuers:
              - { id: okta, issuer: "https://okta.example/oauth2/default", audiences: [api://default], groups_claim: groups }
            routes:
              - id: orders
                match: { host: api.example.com, path: /orders/** }
                upstream: http://127.0.0.1:9001
                deny: [ { groups_any: [suspended] } ]
                allow:
                  - { methods: [GET, HEAD], groups_any: [readers] }
                  - { methods: [POST], groups_all: [writers, staff] }
              - id: reports
                match: { host: api.example.com, path: /reports/* }
                upstream: http://127.0.0.1:9002
                allow: [ { methods: [GET], scopes_all: [reports.read], claims: { email: { suffix: "@example.com" } } } ]
              - id: docs
                match: { path: /docs/** }
                upstream: http://127.0.0.1:9003
                allow: [ { groups_any: [staff] } ]
            """;

    @TempDir
    static Path dir;

    static Stream<Arguments> changes() {
        return Stream.of(
                // No one gains: the rule-level change is listed apart, as "none".
                row("redundant entry added", s -> s.replace("      - { methods: [POST], groups_all: [writers, staff] }\n",
                        "      - { methods: [POST], groups_all: [writers, staff] }\n"
                        + "      - { methods: [GET], groups_all: [readers, staff] }\n"), 0,
                        "No access changes. 1 rule change does not change access.",
                        "| none | `orders` | GET | allow added | `group:readers + group:staff` |  |"),
                row("allow added for a group a deny refuses", s -> s.replace("allow: [ { groups_any: [staff] } ]",
                        "allow: [ { groups_any: [staff] } ]\n    deny: [ { groups_any: [interns] } ]")
                        .replace("      - { methods: [GET, HEAD], groups_any: [readers] }\n",
                        "      - { methods: [GET, HEAD], groups_any: [readers] }\n      - { groups_any: [suspended] }\n"),
                        0, "0 gains, 6 losses.", "| none | `orders` | DELETE | allow added | `group:suspended` |  |",
                        "| loss | `docs` | GET | access lost | `group:interns + group:staff` | `/docs/**` |"),
                row("entry split in two", s -> s.replace("      - { methods: [GET, HEAD], groups_any: [readers] }\n",
                        "      - { methods: [GET], groups_any: [readers] }\n      - { methods: [HEAD], groups_any: [readers] }\n"),
                        0, "No access changes."),
                row("entries and routes reordered", ReportDiffEffectTest::reordered, 0, "No access changes."),
                row("route renamed", s -> s.replace("id: orders", "id: orders-v2"), 0, "No access changes.",
                        "| none | `orders-v2` | all | route added | `api.example.com/orders/**` |  |",
                        "| none | `orders` | all | route removed | `api.example.com/orders/**` |  |"),
                row("deny entry added in mode: audit", s -> s.replace("deny: [ { groups_any: [suspended] } ]",
                        "deny: [ { groups_any: [suspended] }, { groups_any: [readers], mode: audit } ]"), 0,
                        "No access changes."),
                // Someone gains.
                row("group added to groups_any", s -> s.replace("groups_any: [readers]", "groups_any: [readers, interns]"),
                        1, "2 gains, 0 losses.",
                        "| **gain** | `orders` | GET | access gained | `group:interns` | `api.example.com/orders/**` |",
                        "| **gain** | `orders` | HEAD | access gained | `group:interns` | `api.example.com/orders/**` |"),
                row("deny removed", s -> s.replace("    deny: [ { groups_any: [suspended] } ]\n", ""), 1,
                        "| **gain** | `orders` | GET | access gained | `group:readers + group:suspended` |",
                        "| **gain** | `orders` | POST | access gained | `group:staff + group:suspended + group:writers` |"),
                row("method added", s -> s.replace("methods: [GET, HEAD]", "methods: [GET, HEAD, DELETE]"), 1,
                        "1 gain, 0 losses.",
                        "| **gain** | `orders` | DELETE | access gained | `group:readers` | `api.example.com/orders/**` |"),
                row("route path widened", s -> s.replace("path: /reports/*", "path: /reports/**"), 1,
                        "| **gain** | `reports` | GET | access gained | `claim:email ends with @example.com + "
                        + "scope:reports.read` | `api.example.com/reports, api.example.com/reports/, "
                        + "api.example.com/reports/x/x, api.example.com/reports/x/x/` |"),
                row("route made public", s -> s.replace("allow: [ { groups_any: [staff] } ]", "public: true"), 1,
                        "| **gain** | `docs` | GET | access gained | `anonymous (no token)` | `/docs/**` |",
                        "| **gain** | `docs` | DELETE | access gained | `anonymous (no token)` | `/docs/**` |"),
                row("route put in mode: audit", s -> s.replace("allow: [ { groups_any: [staff] } ]",
                        "allow: [ { groups_any: [staff] } ]\n    mode: audit"), 1,
                        "| **gain** | `docs` | POST | access gained | `anonymous (no token)` | `/docs/**` |"),
                row("claims suffix widened", s -> s.replace("suffix: \"@example.com\"",
                        "suffix: [\"@example.com\", \"@partner.example\"]"), 1, "1 gain, 0 losses.",
                        "| **gain** | `reports` | GET | access gained | `claim:email ends with @partner.example + "
                        + "scope:reports.read` | `api.example.com/reports/*` |"),
                row("scope requirement dropped", s -> s.replace("scopes_all: [reports.read], ", ""), 1,
                        "1 gain, 0 losses.",
                        "| **gain** | `reports` | GET | access gained | `claim:email ends with @example.com` |"),
                row("issuer added", s -> s.replace("groups_claim: groups }\n", "groups_claim: groups }\n"
                        + "  - { id: auth0, issuer: \"https://acme.eu.auth0.com/\", audiences: [x], groups_claim: roles }\n"),
                        1, "| **gain** | `orders` | GET | access gained | `group:readers (issuer auth0)` |"),
                // Someone loses, nobody gains: listed, exit 0.
                row("access removed", s -> s.replace("methods: [GET, HEAD]", "methods: [GET]"), 0,
                        "0 gains, 1 loss.",
                        "| loss | `orders` | HEAD | access lost | `group:readers` | `api.example.com/orders/**` |"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void failsOnGainOnlyWhenSomeoneGains(String name, UnaryOperator<String> change, int exit, List<String> rows)
            throws Exception {
        Path old = dir.resolve(name.replace(' ', '-') + "-old.yaml");
        Path next = dir.resolve(name.replace(' ', '-') + "-new.yaml");
        Files.writeString(old, BASE);
        String changed = change.apply(BASE);
        assertThat(changed).as("the change applies").isNotEqualTo(BASE);
        Files.writeString(next, changed);

        Cli report = Cli.run("report", "--diff", old.toString(), next.toString());
        assertThat(report.exit()).as(report.err()).isZero();
        assertThat(report.out()).contains(rows);
        Cli gate = Cli.run("report", "--diff", old.toString(), next.toString(), "--fail-on-gain");
        assertThat(gate.exit()).as(report.out()).isEqualTo(exit);
        Cli back = Cli.run("report", "--diff", next.toString(), old.toString(), "--format", "json");
        assertThat(back.out()).as("the reverse change gains only where this one loses")
                .contains(exit == 1 ? "\"effect\" : \"loss\"" : "\"gain\" : " + report.out().contains("| loss |"));
    }

    private static Arguments row(String name, UnaryOperator<String> change, int exit, String... rows) {
        return Arguments.of(name, change, exit, List.of(rows));
    }

    private static String reordered(String s) {
        String routes = s.substring(s.indexOf("  - id: orders"));
        String orders = routes.substring(0, routes.indexOf("  - id: reports"));
        String rest = routes.substring(routes.indexOf("  - id: reports"));
        String swapped = orders.replace("""
                      - { methods: [GET, HEAD], groups_any: [readers] }
                      - { methods: [POST], groups_all: [writers, staff] }
                """, """
                      - { methods: [POST], groups_all: [staff, writers] }
                      - { methods: [HEAD, GET], groups_any: [readers] }
                """);
        return s.substring(0, s.indexOf("  - id: orders")) + rest + swapped;
    }
}
