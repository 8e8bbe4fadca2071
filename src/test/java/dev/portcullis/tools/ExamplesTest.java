package dev.portcullis.tools;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shipped examples stay valid, and every case of the example test file passes. */
class ExamplesTest {
    @Test
    void everyExampleCasePasses() throws ConfigException {
        PolicyModel model = PolicyModel.read(Path.of("examples/portcullis.yaml"));
        List<TestCase> cases = new CaseFileReader(model).read(Path.of("examples/policy-tests.yaml"));

        assertThat(cases).hasSizeGreaterThanOrEqualTo(15);
        for (TestCase c : cases) {
            TestCase.Result r = c.run(model);
            assertThat(r.passed()).as("%s (%s): got %s", c.name(), c.location(), r.explanation().reason()).isTrue();
        }
        assertThat(model.routes()).extracting(PolicyRoute::id).containsExactly("orders", "reports", "admin", "docs");
    }
}
