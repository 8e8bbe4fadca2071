package dev.portcullis.cli;

import dev.portcullis.config.ConfigError;
import dev.portcullis.config.ConfigException;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.server.Portcullis;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the proxy until it is stopped (SIGTERM or Ctrl-C). */
@Command(name = "run", description = "Run the proxy with a config file.")
final class RunCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;

    @Override
    public Integer call() throws Exception {
        ProxyConfig c;
        String text;
        try {
            text = Files.readString(config, StandardCharsets.UTF_8);
            c = new ConfigReader().read(config.toString(), text);
        } catch (ConfigException e) {
            for (ConfigError err : e.errors()) {
                System.err.println(err);
            }
            return 1;
        }
        Portcullis p = Portcullis.start(c, text);
        awaitShutdown(p);
        return 0;
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
