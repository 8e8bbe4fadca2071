package dev.portcullis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis run | validate | demo | …}. Every verb inherits {@code -h/--help} and
 * {@code -V/--version} ({@code scope = INHERIT}), so help never trips over a verb's required
 * options and a verb added later has them too; {@code portcullis help VERB} prints the same usage.
 */
@Command(name = "portcullis", mixinStandardHelpOptions = true, scope = ScopeType.INHERIT,
        versionProvider = Version.class,
        description = "Identity-aware access proxy: verifies bearer tokens, applies group rules, forwards or refuses.",
        subcommands = {RunCommand.class, ValidateCommand.class, DemoCommand.class, DevIssuerCommand.class,
            ExplainCommand.class, TestCommand.class, ReportCommand.class, DenialsCommand.class, RevokeCommand.class,
            CdsTrainCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        String logFormat = LogFormat.problem(LogFormat.configured());
        if (logFormat != null) {
            System.err.println("portcullis: " + logFormat);
            System.exit(2);
        }
        System.exit(commandLine().execute(args));
    }

    /** The command line as {@link #main} runs it: start-up failures are one line, not a stack trace. */
    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(new StartupFailures());
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
