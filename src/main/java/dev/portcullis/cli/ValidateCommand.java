package dev.portcullis.cli;

import dev.portcullis.config.ConfigError;
import dev.portcullis.config.ConfigException;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.directory.OrgGroups;
import dev.portcullis.tools.GroupCheck;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Checks a config file and reports every error with its location; exit 1 when there is any.
 * Warnings are printed with their location too ({@code warning: file:line:col: …}) and do not fail.
 * With {@code --okta}, also every group a rule names that the Okta org lacks, with the nearest
 * existing names: exit 1 when there is any, 2 when the org cannot be read.
 */
@Command(name = "validate", description = "Check a config file; print every error with file:line:column.")
final class ValidateCommand implements Callable<Integer> {
    @Option(names = {"-c", "--config"}, required = true, description = "the YAML config file")
    Path config;
    @Option(names = "--okta", description = "also check every group a rule names against the Okta org of the config's"
            + " okta section (exit 1 when one is missing, 2 when the org cannot be read)")
    boolean okta;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        // Warnings (a file that loads but may not mean what it says) are printed, and never fail it.
        ConfigReader reader = new ConfigReader().withWarnings(w -> System.err.println("warning: " + w));
        try {
            ProxyConfig c = reader.read(config);
            System.out.printf("%s: OK (%d routes, %d issuers)%n", config, c.routes().size(), c.issuers().size());
            return okta ? checkGroups(c) : 0;
        } catch (ConfigException e) {
            for (ConfigError err : e.errors()) {
                System.err.println(err);
            }
            System.err.printf("%s: %d error%s%n", config, e.errors().size(), e.errors().size() == 1 ? "" : "s");
            return 1;
        }
    }

    /** Deny entries first: a deny group that is missing never refuses anyone, which is worse. */
    private int checkGroups(ProxyConfig c) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<GroupCheck.Use> uses = GroupCheck.uses(c);
        List<GroupCheck.Missing> missing;
        try (OrgGroups org = OrgDirectory.open(c, "validate --okta", err)) {
            if (org == null) {
                return 2;
            }
            missing = GroupCheck.missing(uses, org.groups().keySet());
        } catch (IOException e) {
            err.println("validate --okta: cannot read the org's groups: " + e.getMessage());
            return 2;
        }
        missing.stream().sorted(Comparator.comparing(m -> !m.deny())).forEach(m -> err.println(m.message()));
        long deny = missing.stream().filter(GroupCheck.Missing::deny).count();
        if (missing.isEmpty()) {
            out.printf("%s: every group the rules name (%d) is in the Okta org%n", config,
                    GroupCheck.names(c).size());
            return 0;
        }
        err.printf("%s: %d group use%s not in the Okta org (%d in deny entries)%n", config, missing.size(),
                missing.size() == 1 ? "" : "s", deny);
        return 1;
    }
}
