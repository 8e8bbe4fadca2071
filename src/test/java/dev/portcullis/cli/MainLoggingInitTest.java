package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * {@link Main#main} initialises Logback on a thread of its own while picocli builds the verb's
 * model: the command line is handed over (and the first logger taken, by the failure handler) only
 * once that thread is done.
 */
class MainLoggingInitTest {
    @Test
    void theCommandLineWaitsForTheLoggingThread() {
        AtomicBoolean done = new AtomicBoolean();
        Thread logging = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done.set(true);
        });
        logging.start();

        var cl = Main.commandLine(new String[] {"validate"}, logging);

        assertThat(done).as("logging initialised before the command line is returned").isTrue();
        assertThat(cl.getExecutionExceptionHandler()).isInstanceOf(StartupFailures.class);
        assertThat(cl.getSubcommands()).containsOnlyKeys("validate");
    }

    @Test
    void anInterruptWhileWaitingIsKeptNotLost() throws Exception {
        Thread logging = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        logging.start();
        Thread.currentThread().interrupt();

        Main.commandLine(new String[] {"validate"}, logging);

        assertThat(Thread.interrupted()).isTrue();
        assertThat(logging.isAlive()).isFalse();
    }
}
