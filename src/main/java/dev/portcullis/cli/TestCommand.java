package dev.portcullis.cli;

import dev.portcullis.config.ConfigError;
import dev.portcullis.config.ConfigException;
import dev.portcullis.tools.CaseFileReader;
import dev.portcullis.tools.Explanation;
import dev.portcullis.tools.ExplanationFormat;
import dev.portcullis.tools.PolicyModel;
import dev.portcullis.tools.TestCase;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code portcullis test}: runs policy test cases against a config, like {@code opa test}. One
 * line per case, then {@code N passed, M failed}. Exit 0 when all pass, 1 when any fails, 2 when
 * the config or a cases file is invalid (then no case runs).
 */
@Command(name = "test", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Run policy test cases (who, request, expected outcome) against a config.",
            "Exit status: 0 all passed, 1 a case failed, 2 invalid config or cases file."})
final class TestCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;
    @Option(names = {"-c", "--config"}, paramLabel = "FILE", required = true, description = "the YAML config file")
    Path config;
    @Option(names = {"-v", "--explain"}, description = "print the full explanation of each failing case")
    boolean explain;
    @Parameters(arity = "1..*", paramLabel = "CASES.yaml", description = "test case files")
    List<Path> files;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<ConfigError> errors = new ArrayList<>();
        PolicyModel model = null;
        try {
            model = PolicyModel.read(config);
        } catch (ConfigException e) {
            errors.addAll(e.errors());
        }
        List<TestCase> cases = new ArrayList<>();
        if (model != null) {
            CaseFileReader reader = new CaseFileReader(model);
            for (Path f : files) {
                try {
                    cases.addAll(reader.read(f));
                } catch (ConfigException e) {
                    errors.addAll(e.errors());
                }
            }
        }
        if (!errors.isEmpty()) {
            errors.forEach(e -> err.println(e));
            err.printf("%d error%s; no case was run%n", errors.size(), errors.size() == 1 ? "" : "s");
            return 2;
        }
        int failed = 0;
        for (TestCase c : cases) {
            TestCase.Result r;
            try {
                r = c.run(model);
            } catch (IllegalStateException e) {
                err.println("test: internal error in " + c.location() + ": " + e.getMessage());
                return 2;
            }
            Explanation e = r.explanation();
            if (r.passed()) {
                out.println("PASS " + c.name());
                continue;
            }
            failed++;
            String would = e.wouldBe() == null ? "" : ", would be " + e.wouldBe().status() + " " + e.wouldBe().code();
            out.println("FAIL " + c.name() + " — expected " + c.expect().text() + ", got " + e.reason().status()
                    + " (" + e.reason().code() + would + ") at " + c.location());
            if (explain) {
                ExplanationFormat.text(e, model.ruleClaims()).lines().forEach(l -> out.println("     " + l));
            }
        }
        out.println((cases.size() - failed) + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
