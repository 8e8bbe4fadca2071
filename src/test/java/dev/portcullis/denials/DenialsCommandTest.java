package dev.portcullis.denials;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.cli.DenialsCommand;
import dev.portcullis.cli.Main;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code portcullis denials} through the real command line, as registered in {@link Main}. */
class DenialsCommandTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T10:10:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private record Run(int exit, String out, String err) {
    }

    private static Run run(byte[] stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine.IFactory factory = new CommandLine.IFactory() {
            @Override
            public <K> K create(Class<K> cls) throws Exception {
                if (cls == DenialsCommand.class) {
                    return cls.cast(new DenialsCommand(CLOCK, new ByteArrayInputStream(stdin)));
                }
                return CommandLine.defaultFactory().create(cls);
            }
        };
        CommandLine cl = new CommandLine(new Main(), factory);
        for (Class<?> verb : Main.VERBS) { // as Main.commandLine adds them, through this factory
            cl.addSubcommand(verb);
        }
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Path write(Log log) throws Exception {
        Path f = dir.resolve("audit.log");
        Files.write(f, log.bytes());
        return f;
    }

    private static Log attack() {
        return Log.log()
                .allow("2026-11-28T10:00:00.250Z", "10.1.0.4")
                .deny("2026-11-28T10:01:00Z", "token_expired", "203.0.113.9", null)
                .deny("2026-11-28T10:02:00.5Z", "token_expired", "203.0.113.9", null)
                .deny("2026-11-28T10:03:00Z", "group_denied", "10.1.0.4", "alice@example.com")
                .raw("{\"event\":\"audit_dropped\",\"count\":12}")
                .raw("not json");
    }

    @Test
    void printsTheReadableReport() throws Exception {
        Run r = run(new byte[0], "denials", write(attack()).toString(), "--top", "1");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo(String.join("\n",
                "denials in " + dir.resolve("audit.log"),
                "window     2026-11-28T09:48:00.000Z .. 2026-11-28T10:03:00.000Z  (15m, ending at the newest decision)",
                "",
                "decisions  4   allowed 1   deny 3   error 0 (not counted)",
                "denials    3   denial rate 75.0%   without a verified subject 2",
                "",
                "top sources",
                "   denials   share  first seen                last seen                 client",
                "         2   66.7%  2026-11-28T10:01:00.000Z  2026-11-28T10:02:00.500Z  203.0.113.9",
                "",
                "top subjects",
                "   denials   share  first seen                last seen                 subject",
                "         1   33.3%  2026-11-28T10:03:00.000Z  2026-11-28T10:03:00.000Z  alice@example.com",
                "",
                "top routes",
                "   denials   share  first seen                last seen                 route",
                "         3  100.0%  2026-11-28T10:01:00.000Z  2026-11-28T10:03:00.000Z  orders",
                "",
                "top reasons",
                "   denials   share  first seen                last seen                 reason",
                "         2   66.7%  2026-11-28T10:01:00.000Z  2026-11-28T10:02:00.500Z  token_expired",
                "",
                "top (client, reason)",
                "   denials   share  first seen                last seen                 client  reason",
                "         2   66.7%  2026-11-28T10:01:00.000Z  2026-11-28T10:02:00.500Z  203.0.113.9  token_expired",
                "",
                "input      6 lines: 4 decisions (0 outside the window), 1 other event (audit_dropped 1), 1 not JSON, "
                        + "0 invalid decisions",
                "warning: the proxy dropped 12 audit lines (audit_dropped): the counts above are a lower bound",
                ""));
    }

    @Test
    void jsonFromStdinWithNowAndIncludeErrors() throws Exception {
        byte[] log = attack().decision("2026-11-28T10:04:00Z", "error", "keys_unavailable", "orders", "10.1.0.4", null)
                .bytes();
        Run r = run(log, "denials", "-", "--json", "--now", "--window", "9m", "--include-errors");

        assertThat(r.exit()).isZero();
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.path("input").asText()).isEqualTo("stdin");
        assertThat(j.path("window").path("start").asText()).isEqualTo("2026-11-28T10:01:00.000Z");
        assertThat(j.path("window").path("end").asText()).isEqualTo("2026-11-28T10:10:00.000Z");
        assertThat(j.path("window").path("anchor").asText()).isEqualTo("now");
        assertThat(j.path("totals").path("decisions").asLong()).isEqualTo(4);
        assertThat(j.path("totals").path("denials").asLong()).isEqualTo(4);
        assertThat(j.path("totals").path("denial_rate").asDouble()).isEqualTo(1.0);
        assertThat(j.path("top").path("client_reasons").get(0).path("client").asText()).isEqualTo("203.0.113.9");
        assertThat(j.path("top").path("reasons").findValuesAsText("reason"))
                .containsExactly("token_expired", "group_denied", "keys_unavailable");
        assertThat(j.path("lines").path("outside_window").asLong()).isEqualTo(1);
        assertThat(j.path("lines").path("audit_dropped").asLong()).isEqualTo(12);
        assertThat(j.path("other").path("max_keys").asLong()).isEqualTo(100_000);
    }

    @Test
    void noFileArgumentMeansStdin() {
        Run r = run(attack().bytes(), "denials", "--json");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("\"input\" : \"stdin\"", "\"denials\" : 3");
    }

    @Test
    void unreadableInputOrBadOptionsAreExitTwo() throws Exception {
        Path log = write(attack());
        Run missing = run(new byte[0], "denials", dir.resolve("nope.log").toString());
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("cannot read", "nope.log", "no such file");
        assertThat(missing.out()).isEmpty();

        assertThat(run(new byte[0], "denials", dir.toString()).err()).contains("is a directory");
        assertThat(run(new byte[0], "denials", log.toString(), "--window", "15").exit()).isEqualTo(2);
        assertThat(run(new byte[0], "denials", log.toString(), "--window", "0m").exit()).isEqualTo(2);
        assertThat(run(new byte[0], "denials", log.toString(), "--window", "999999999999d").err()).contains("100 years");
        assertThat(run(new byte[0], "denials", log.toString(), "--since", "2026-11-28 10:00").exit()).isEqualTo(2);
        assertThat(run(new byte[0], "denials", log.toString(), "--top", "0").exit()).isEqualTo(2);
        assertThat(run(new byte[0], "denials", log.toString(), "--since", "2026-11-28T10:00:00Z", "--window", "1h",
                "--now").exit()).isEqualTo(2);
        assertThat(run(new byte[0], "denials", log.toString(), "--bogus").exit()).isEqualTo(2);
    }

    @Test
    void sinceAcceptsAnOffset() throws Exception {
        Run r = run(new byte[0], "denials", write(attack()).toString(), "--json", "--since", "2026-11-28T11:02:00+01:00");
        JsonNode j = new ObjectMapper().readTree(r.out());
        assertThat(j.path("window").path("start").asText()).isEqualTo("2026-11-28T10:02:00.000Z");
        assertThat(j.path("totals").path("deny").asLong()).isEqualTo(2);
    }
}
