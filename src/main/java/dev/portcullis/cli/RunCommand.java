package dev.portcullis.cli;

import dev.portcullis.config.ConfigError;
import dev.portcullis.config.ConfigException;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.server.Portcullis;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the proxy until it is stopped (SIGTERM or Ctrl-C), then drains it: see {@link StopSignals}. */
@Command(name = "run", description = "Run the proxy with a config file.")
final class RunCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;

    @Override
    public Integer call() throws Exception {
        ProxyConfig c;
        try {
            c = new ConfigReader().read(config);
        } catch (ConfigException e) {
            for (ConfigError err : e.errors()) {
                System.err.println(err);
            }
            return 1;
        }
        // A failure to start (an address in use, a TLS file) becomes one line in StartupFailures.
        Portcullis p = Portcullis.startWatching(config, c);
        reloadOnHangup(p);
        StopSignals.awaitStop(p);
        return 0;
    }

    /** SIGHUP forces a reload, as for nginx and HAProxy. */
    @SuppressWarnings("removal")
    private static void reloadOnHangup(Portcullis p) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> p.reload());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            // No SIGHUP on this platform: file watching still reloads.
        }
    }

    static void awaitShutdown(AutoCloseable... closeables) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (AutoCloseable c : closeables) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // shutting down anyway
                }
            }
            stop.countDown();
        }, "portcullis-shutdown"));
        stop.await();
    }
}
