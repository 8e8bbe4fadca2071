package dev.portcullis.cli;

import dev.portcullis.config.ConfigError;
import dev.portcullis.config.ConfigException;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Checks a config file and reports every error with its location; exit 1 when there is any.
 * Warnings are printed with their location too ({@code warning: file:line:col: …}) and do not fail.
 */
@Command(name = "validate", description = "Check a config file; print every error with file:line:column.")
final class ValidateCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;

    @Override
    public Integer call() {
        // Warnings (a file that loads but may not mean what it says) are printed, and never fail it.
        ConfigReader reader = new ConfigReader().withWarnings(w -> System.err.println("warning: " + w));
        try {
            ProxyConfig c = reader.read(config);
            System.out.printf("%s: OK (%d routes, %d issuers)%n", config, c.routes().size(), c.issuers().size());
            return 0;
        } catch (ConfigException e) {
            for (ConfigError err : e.errors()) {
                System.err.println(err);
            }
            System.err.printf("%s: %d error%s%n", config, e.errors().size(), e.errors().size() == 1 ? "" : "s");
            return 1;
        }
    }
}
