package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis report}: the matrix in each format, and {@code --diff}. */
class ReportCommandTest {

    @Test
    void markdownByDefault() {
        Cli r = Cli.run("report", "--config", Cli.CONFIG);

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("# Access matrix: examples/portcullis.yaml\n")
                .contains("| `docs` | `/docs/**` | GET | public | public |  |  | any |")
                .contains("| `admin` | `api.example.com/admin/**` | DELETE | nobody | "
                        + "`claim:department=security + group:admins` | `any valid token`, `group:suspended` |  | `okta` |");
    }

    @Test
    void csvAndHtmlToAFile(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("m.csv");
        assertThat(Cli.run("report", "-c", Cli.CONFIG, "--format", "csv", "--out", csv.toString()).exit()).isZero();
        assertThat(Files.readString(csv)).startsWith("route,match,method,access,allowed,denied,audit,issuers\r\n"
                + "orders,api.example.com/orders/**,GET,restricted,group:orders-admins; group:orders-readers; "
                + "scope:orders.read,group:suspended,deny group:contractors,\r\n");

        Cli html = Cli.run("report", "-c", Cli.CONFIG, "--format", "html");
        assertThat(html.out()).startsWith("<!DOCTYPE html>").contains("<table>");
        assertThat(Cli.run("report", "-c", Cli.CONFIG, "--format", "pdf").exit()).isEqualTo(2);
    }

    @Test
    void diffReportsGainsAndFailsOnGainWhenAsked(@TempDir Path dir) throws Exception {
        Path next = dir.resolve("new.yaml");
        Files.writeString(next, Files.readString(Path.of(Cli.CONFIG))
                .replace("groups_any: [orders-readers, orders-admins]", "groups_any: [orders-readers, orders-admins, interns]")
                .replace("      - { methods: [DELETE] }\n", ""));

        Cli r = Cli.run("report", "--diff", Cli.CONFIG, next.toString());
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains(
                "| **gain** | `orders` | GET | access gained | `group:interns` | `api.example.com/orders/**` |",
                "| **gain** | `admin` | DELETE | access gained | `claim:department=security + group:admins` | "
                        + "`api.example.com/admin/**` |", "3 gains, 0 losses.");

        assertThat(Cli.run("report", "--diff", Cli.CONFIG, next.toString(), "--fail-on-gain").exit()).isEqualTo(1);
        assertThat(Cli.run("report", "--diff", next.toString(), Cli.CONFIG, "--fail-on-gain").exit()).isZero();
        Cli same = Cli.run("report", "--diff", Cli.CONFIG, Cli.CONFIG, "--format", "csv", "--fail-on-gain");
        assertThat(same.exit()).isZero();
        assertThat(same.out()).isEqualTo("effect,route,method,change,subject,requests\r\n");
    }

    @Test
    void invalidInputIsExitTwo(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "routes: 3\n");

        Cli r = Cli.run("report", "--diff", Cli.CONFIG, broken.toString());
        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(broken.toString());
        assertThat(Cli.run("report").exit()).isEqualTo(2);
        assertThat(Cli.run("report", "-c", Cli.CONFIG, "--diff", Cli.CONFIG, Cli.CONFIG).exit()).isEqualTo(2);
        assertThat(Cli.run("report", "-c", Cli.CONFIG, "--fail-on-gain").exit()).isEqualTo(2);
    }
}
