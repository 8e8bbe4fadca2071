package dev.portcullis.cli;

import dev.portcullis.server.ListenException;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * The command line's edge for whatever a verb throws: one line on stderr that names what failed
 * ({@code portcullis run: listen: 127.0.0.1:8080 is in use}) and exit status 1. The stack trace
 * is logged at DEBUG only ({@code PORTCULLIS_LOG_LEVEL=DEBUG}): the first hour should not start
 * with forty lines of frames, and a bug report can still have them.
 */
final class StartupFailures implements IExecutionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(StartupFailures.class);
    static final int EXIT = 1;

    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parsed) {
        PrintWriter err = commandLine.getErr();
        err.println("portcullis " + commandLine.getCommandName() + ": " + line(e)
                + (log.isDebugEnabled() ? "" : hint(e)));
        err.flush();
        log.debug("{} failed", commandLine.getCommandName(), e);
        return EXIT;
    }

    /** The one line for a failure: ours say what they are; anything else names its type. */
    static String line(Throwable e) {
        if (e instanceof StartupFailure || e instanceof ListenException) {
            return e.getMessage();
        }
        String m = e.getMessage();
        return "cannot start: " + (m == null || m.isBlank() ? e.getClass().getSimpleName() : m);
    }

    /** An unexpected failure says how to see where it came from. */
    private static String hint(Throwable e) {
        return e instanceof StartupFailure || e instanceof ListenException ? ""
                : " (PORTCULLIS_LOG_LEVEL=DEBUG shows where)";
    }
}
