package dev.portcullis.cli;

import java.util.List;
import org.slf4j.LoggerFactory;
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
        description = "Identity-aware access proxy: verifies bearer tokens, applies group rules, forwards or refuses.")
public final class Main implements Runnable {
    /**
     * The verbs, in the order help lists them. Added by {@link #commandLine(String...)}, not by
     * {@code @Command(subcommands)}: picocli builds the model of every verb it is given (reflection
     * over each option, and its classes are too old for the class-data archive), which was a fifth of
     * {@code run}'s start-up; a command line that names its verb gets that verb's model alone.
     */
    public static final List<Class<?>> VERBS = List.of(RunCommand.class, ValidateCommand.class, DemoCommand.class,
            DevIssuerCommand.class, ExplainCommand.class, TestCommand.class, ReportCommand.class, DenialsCommand.class,
            RevokeCommand.class, CdsTrainCommand.class, CommandLine.HelpCommand.class);

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        String logFormat = LogFormat.problem(LogFormat.configured());
        if (logFormat != null) {
            System.err.println("portcullis: " + logFormat);
            System.exit(2);
        }
        // Logback starts (its classes, LogbackSetup's appenders) on a thread of its own while picocli
        // builds the verb's model; the first logger is taken once it is done (commandLine).
        Thread logging = new Thread(LoggerFactory::getILoggerFactory, "portcullis-logging-init");
        logging.start();
        System.exit(commandLine(args, logging).execute(args));
    }

    /** The command line with every verb: start-up failures are one line, not a stack trace. */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line as {@link #main} runs {@code args}: when the first argument names a verb
     * (other than {@code help}), with that verb alone, which parses and runs exactly as among all of
     * them; otherwise (help, the version, a mistyped verb) with every verb.
     */
    static CommandLine commandLine(String... args) {
        return commandLine(args, null);
    }

    /**
     * The same, once {@code logging} (a thread initialising Logback, or null) is done: nothing takes a
     * logger before, since SLF4J hands a thread that asks during another's initialisation a stand-in
     * logger that queues and replays events.
     */
    static CommandLine commandLine(String[] args, Thread logging) {
        CommandLine cl = new CommandLine(new Main());
        String first = args.length == 0 ? "" : args[0];
        List<Class<?>> named = VERBS.stream().filter(v -> !first.equals("help")
                && v.getAnnotation(Command.class).name().equals(first)).toList();
        for (Class<?> verb : named.isEmpty() ? VERBS : named) {
            cl.addSubcommand(verb);
        }
        awaitUninterruptibly(logging);
        cl.setExecutionExceptionHandler(new StartupFailures()); // its logger: the first one taken

        return cl;
    }

    private static void awaitUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread != null && thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
