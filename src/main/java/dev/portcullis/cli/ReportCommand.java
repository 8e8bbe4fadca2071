package dev.portcullis.cli;

import dev.portcullis.config.ConfigError;
import dev.portcullis.config.ConfigException;
import dev.portcullis.tools.AccessMatrix;
import dev.portcullis.tools.DiffFormat;
import dev.portcullis.directory.OrgGroups;
import dev.portcullis.tools.MatrixFormat;
import dev.portcullis.tools.MemberAccess;
import dev.portcullis.tools.MemberFormat;
import dev.portcullis.tools.PolicyDiff;
import dev.portcullis.tools.PolicyModel;
import dev.portcullis.tools.ReportFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis report}: the access matrix of a config, or with {@code --diff} who gains and
 * loses effective access between two (decided by the proxy's decision core, see
 * {@code tools/EffectiveAccess}), with the rule changes that change no access listed apart. Exit 0,
 * or 1 with {@code --fail-on-gain} when some caller gains access to some request, or 2 when an
 * input is invalid.
 */
@Command(name = "report", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Print the access matrix (route x method: allowed, denied), or with --diff the access "
                + "gained and lost between two configs: who can send which request, as the proxy decides it.",
            "Exit status: 0 done, 1 --fail-on-gain and someone gains access, 2 invalid input."})
final class ReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "the YAML config file (for the matrix)")
    Path config;
    @Option(names = "--diff", arity = "2", paramLabel = "FILE", description = "OLD.yaml NEW.yaml: report changes")
    List<Path> diff;
    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "markdown",
            description = "markdown, csv, html or json (default: ${DEFAULT-VALUE})")
    String format;
    @Option(names = "--out", paramLabel = "FILE", description = "write to this file instead of stdout")
    Path outFile;
    @Option(names = "--fail-on-gain", description = "with --diff: exit 1 when some caller gains access to some request "
            + "(a rule change that widens no one's access does not count)")
    boolean failOnGain;
    @Option(names = "--members", description = "with --config: who (each member of each group the rules name, read "
            + "from the config's Okta org) can do what on which route; csv, markdown or html")
    boolean members;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ReportFormat fmt;
        try {
            fmt = ReportFormat.parse(format);
        } catch (IllegalArgumentException e) {
            err.println("report: --format must be markdown, csv, html or json, was '" + format + "'");
            return 2;
        }
        if ((config == null) == (diff == null) || (failOnGain && diff == null)) {
            err.println("report: give either --config FILE, or --diff OLD.yaml NEW.yaml [--fail-on-gain]");
            return 2;
        }
        if (members && (config == null || fmt == ReportFormat.JSON)) {
            err.println("report: --members needs --config FILE and --format csv, markdown or html");
            return 2;
        }
        List<ConfigError> errors = new ArrayList<>();
        List<PolicyModel> models = new ArrayList<>();
        for (Path p : diff == null ? List.of(config) : diff) {
            try {
                models.add(PolicyModel.read(p));
            } catch (ConfigException e) {
                errors.addAll(e.errors());
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(e -> err.println(e));
            err.printf("%d error%s%n", errors.size(), errors.size() == 1 ? "" : "s");
            return 2;
        }
        String text;
        boolean gain = false;
        if (members) {
            text = members(models.get(0), err);
            if (text == null) {
                return 2;
            }
        } else if (diff == null) {
            text = MatrixFormat.render(AccessMatrix.of(models.get(0)), fmt);
        } else {
            PolicyDiff d = PolicyDiff.of(models.get(0), models.get(1));
            text = DiffFormat.render(d, fmt);
            gain = d.hasGain();
        }
        if (outFile != null) {
            try {
                Files.writeString(outFile, text, StandardCharsets.UTF_8);
            } catch (IOException e) {
                err.println("report: cannot write " + outFile + ": " + e);
                return 2;
            }
        } else {
            PrintWriter out = spec.commandLine().getOut();
            out.print(text);
            out.flush();
        }
        return failOnGain && gain ? 1 : 0;
    }

    /** The member report, or null after saying on {@code err} why the org could not be read. */
    private String members(PolicyModel model, PrintWriter err) {
        try (OrgGroups org = OrgDirectory.open(model.config(), "report --members", err)) {
            if (org == null) {
                return null;
            }
            return MemberFormat.render(MemberAccess.of(model, OrgDirectory.members(model.config(), org, err)),
                    ReportFormat.parse(format));
        } catch (IOException e) {
            err.println("report --members: cannot read the org's groups: " + e.getMessage());
            return null;
        }
    }
}
