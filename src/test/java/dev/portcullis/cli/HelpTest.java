package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --help} and {@code -h} work on the top-level command and on every verb, whatever the
 * verb's required options, and {@code portcullis help VERB} prints the same usage. The verbs are
 * read from the command line itself, so a verb added later is covered without touching this test.
 */
class HelpTest {
    static Stream<String> verbs() {
        return Main.commandLine().getSubcommands().keySet().stream().filter(v -> !v.equals("help"));
    }

    @Test
    void theVerbsIncludeTheOnesTheReadmeNames() {
        assertThat(verbs()).contains("run", "validate", "demo", "dev-issuer", "explain", "test", "report",
                "denials");
    }

    @ParameterizedTest
    @MethodSource("verbs")
    void everyVerbPrintsItsUsageForHelpAndExitsZero(String verb) {
        for (String flag : List.of("--help", "-h")) {
            Cli r = Cli.run(verb, flag);

            assertThat(r.exit()).as(verb + " " + flag).isZero();
            assertThat(r.out()).as(verb + " " + flag).startsWith("Usage: portcullis " + verb)
                    .contains("-h, --help");
            assertThat(r.err()).as(verb + " " + flag).isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("verbs")
    void theHelpVerbPrintsTheSameUsage(String verb) {
        Cli help = Cli.run("help", verb);

        assertThat(help.exit()).as("help " + verb).isZero();
        assertThat(help.out()).isEqualTo(Cli.run(verb, "--help").out());
    }

    @Test
    void topLevelHelpListsTheVerbsAndTheHelpVerb() {
        for (List<String> args : List.of(List.of("--help"), List.of("-h"), List.of("help"), List.<String>of())) {
            Cli r = Cli.run(args.toArray(String[]::new));

            assertThat(r.exit()).as(args.toString()).isZero();
            assertThat(r.out()).as(args.toString()).startsWith("Usage: portcullis")
                    .contains("  run ", "  validate ", "  demo ", "  help ");
        }
    }

    /** Start-up: {@code portcullis run …} builds the model of {@code run} alone (the others cost a fifth of it). */
    @ParameterizedTest
    @MethodSource("verbs")
    void aNamedVerbIsTheOnlyOneBuiltAndParsesAsAmongAll(String verb) {
        var alone = Main.commandLine(verb, "--some-option");
        var all = Main.commandLine();

        assertThat(alone.getSubcommands().keySet()).containsExactly(verb);
        assertThat(alone.getSubcommands().get(verb).getUsageMessage())
                .isEqualTo(all.getSubcommands().get(verb).getUsageMessage());
        assertThat(Main.commandLine("help", verb).getSubcommands()).hasSameSizeAs(all.getSubcommands());
        assertThat(Main.commandLine("--help").getSubcommands()).hasSameSizeAs(all.getSubcommands());
        assertThat(Main.commandLine("no-such-verb").getSubcommands()).hasSameSizeAs(all.getSubcommands());
    }

    @Test
    void theTrainingVerbOfTheClassDataArchiveIsNotListed() {
        assertThat(verbs()).contains("cds-train");
        assertThat(Cli.run("--help").out()).doesNotContain("cds-train");
    }

    @Test
    void everyVerbPrintsTheVersion() {
        Cli r = Cli.run("run", "--version");

        assertThat(r.exit()).isZero();
        assertThat(r.out().strip()).isEqualTo("portcullis " + System.getProperty("portcullis.version", "?"));
    }

    @Test
    void anUnknownVerbForHelpIsAnErrorNotAStackTrace() {
        Cli r = Cli.run("help", "nonsense");

        assertThat(r.exit()).isNotZero();
        assertThat(r.err()).contains("nonsense").doesNotContain("Exception");
    }
}
