package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portcullis test}: one line per case, a summary, and the exit status. */
class TestCommandTest {

    @Test
    void theExampleCasesAllPass() {
        Cli r = Cli.run("test", "--config", Cli.CONFIG, "examples/policy-tests.yaml");

        assertThat(r.exit()).isZero();
        assertThat(r.out().lines().filter(l -> l.startsWith("PASS ")).count()).isEqualTo(20);
        assertThat(r.out()).startsWith("PASS readers can read orders\n").endsWith("20 passed, 0 failed\n");
    }

    @Test
    void aFailingCaseIsReportedAndExitsOne(@TempDir Path dir) throws Exception {
        Path cases = dir.resolve("cases.yaml");
        Files.writeString(cases, """
                cases:
                  - name: readers can read
                    who: { groups: [orders-readers] }
                    request: { url: http://api.example.com/orders/1 }
                    expect: allow
                  - name: readers can delete (wrong)
                    who: { groups: [orders-readers] }
                    request: { method: DELETE, url: http://api.example.com/orders/1 }
                    expect: allow
                """);

        Cli r = Cli.run("test", "-c", Cli.CONFIG, cases.toString(), "examples/policy-tests.yaml", "--explain");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("PASS readers can read\n", "FAIL readers can delete (wrong) — expected allow, "
                + "got 403 (group_denied) at " + cases + ":6\n", "     decision: refuse 403 group_denied\n")
                .endsWith("21 passed, 1 failed\n");
    }

    @Test
    void anInvalidCasesFileIsExitTwoAndNothingRuns(@TempDir Path dir) throws Exception {
        Path cases = dir.resolve("cases.yaml");
        Files.writeString(cases, """
                cases:
                  - name: typo
                    who: anonymous
                    request: { url: /docs/x }
                    expct: allow
                """);

        Cli r = Cli.run("test", "-c", Cli.CONFIG, "examples/policy-tests.yaml", cases.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains(cases + ":2:5: cases[0].expect: 'expect' is required\n"
                + cases + ":5:5: cases[0].expct: unknown key 'expct'", "2 errors; no case was run");
        assertThat(Cli.run("test", "-c", Cli.CONFIG).exit()).isEqualTo(2);
        assertThat(Cli.run("test", "-c", Cli.CONFIG, dir.resolve("missing.yaml").toString()).err())
                .contains("cannot read file");
    }
}
