package dev.portcullis.cli;

/**
 * A verb could not start, said in one line that names the thing: the address and the flag to
 * change it, the file, the URL. {@link StartupFailures} prints it without a stack trace.
 */
final class StartupFailure extends RuntimeException {
    StartupFailure(String line, Throwable cause) {
        super(line, cause);
    }
}
