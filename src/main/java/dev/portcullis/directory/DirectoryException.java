package dev.portcullis.directory;

import java.io.IOException;

/** A call to the org that failed, with whose side the failure is on. */
final class DirectoryException extends IOException {
    private final DirectoryListener.Outcome outcome;

    DirectoryException(DirectoryListener.Outcome outcome, String message) {
        super(message);
        this.outcome = outcome;
    }

    DirectoryException(DirectoryListener.Outcome outcome, String message, Throwable cause) {
        super(message, cause);
        this.outcome = outcome;
    }

    DirectoryListener.Outcome outcome() {
        return outcome;
    }

    /** The outcome of any failure: a {@link DirectoryException}'s own, else unreachable (I/O, timeouts). */
    static DirectoryListener.Outcome outcomeOf(Throwable t) {
        Throwable e = unwrap(t);
        return e instanceof DirectoryException d ? d.outcome : DirectoryListener.Outcome.UNREACHABLE;
    }

    static Throwable unwrap(Throwable t) {
        Throwable e = t;
        while ((e instanceof java.util.concurrent.CompletionException
                || e instanceof java.util.concurrent.ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
