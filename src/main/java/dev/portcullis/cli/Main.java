package dev.portcullis.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code portcullis run | validate | demo}. */
@Command(name = "portcullis", mixinStandardHelpOptions = true, version = "portcullis 0.1.0",
        description = "Identity-aware access proxy: verifies bearer tokens, applies group rules, forwards or refuses.",
        subcommands = {RunCommand.class, ValidateCommand.class, DemoCommand.class, DevIssuerCommand.class,
            ExplainCommand.class, TestCommand.class, ReportCommand.class, DenialsCommand.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }
}
