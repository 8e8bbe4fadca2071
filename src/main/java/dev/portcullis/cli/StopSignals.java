package dev.portcullis.cli;

import dev.portcullis.server.Portcullis;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * How {@code portcullis run} stops: SIGTERM or SIGINT (Ctrl-C) drains the proxy
 * ({@link Portcullis#shutdown}: {@code /readyz} 503, then the listener closes, then requests in
 * flight finish up to {@code shutdown.timeout}) and the process exits 0; a second signal cuts the
 * drain short. The signals are taken over from the JVM, whose own handling would exit 143 (or 130).
 * Where they cannot be, and for any other way out of the JVM, a shutdown hook drains all the same.
 */
final class StopSignals {
    private StopSignals() {
    }

    /** Returns once the proxy has been stopped by a signal and drained. */
    static void awaitStop(Portcullis p) throws InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.getAndSet(true)) {
                p.hurry();
                return;
            }
            // Not on the signal's own thread: a second signal must still get through while this drains.
            new Thread(() -> {
                try {
                    p.shutdown();
                } finally {
                    stopped.countDown();
                }
            }, "portcullis-drain").start();
        };
        handle("TERM", stop);
        handle("INT", stop);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            if (!stopping.getAndSet(true)) {
                p.shutdown();
            } else {
                try {
                    stopped.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }, "portcullis-shutdown"));
        stopped.await();
    }

    @SuppressWarnings("removal")
    private static void handle(String signal, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(signal), sig -> action.run());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // Not ours to take here (e.g. the JVM runs with -Xrs): the shutdown hook drains instead.
        }
    }
}
