package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution archive that {@code mvn package} builds, unpacked as an operator would and
 * run with a PATH of Java's bin directory and the shell tools the launcher uses: no Maven, no
 * sources, no {@code target/}.
 */
class DistributionIT {
    @TempDir
    static Path tmp;
    private static Path home;
    private static Path tools;

    /** What a command printed and how it ended. */
    private record Result(int exit, String out, String err) {
    }

    @BeforeAll
    static void unpack() throws Exception {
        assumeTrue(File.separatorChar == '/', "the launcher is a bash script");
        Path archive = Path.of(System.getProperty("portcullis.archive", "target/portcullis-missing.tar.gz"));
        assertThat(archive).as("mvn package builds the archive").isRegularFile();
        Path into = Files.createDirectories(tmp.resolve("opt"));
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toAbsolutePath().toString(), "-C", into.toString())
                .inheritIO().start();
        assertThat(tar.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        try (var top = Files.list(into)) {
            home = top.findFirst().orElseThrow();
        }
        tools = Files.createDirectories(tmp.resolve("tools"));
        for (String tool : List.of("bash", "dirname")) {
            Files.createSymbolicLink(tools.resolve(tool), onPath(tool));
        }
    }

    private static Path onPath(String tool) {
        return Arrays.stream(System.getenv("PATH").split(File.pathSeparator)).map(d -> Path.of(d, tool))
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new IllegalStateException(tool + " is not on the PATH"));
    }

    /** The bin directory of the Java running this test: the one Java an operator has installed. */
    private static Path javaBin() throws IOException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow()).toRealPath();
        return java.getParent();
    }

    private static Result portcullis(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(home.resolve("bin/portcullis").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", javaBin() + File.pathSeparator + tools);
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("portcullis finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void theArchiveHoldsTheJarTheLauncherAndTheExamplesSchemaAndDeployFiles() throws IOException {
        assertThat(home.getFileName().toString()).startsWith("portcullis-");
        assertThat(home.resolve("bin/portcullis")).isExecutable();
        assertThat(home.resolve("lib/portcullis.jar")).isRegularFile();
        assertThat(home.resolve("README.md")).isRegularFile();
        assertThat(home.resolve("examples/portcullis.yaml")).isRegularFile();
        assertThat(home.resolve("examples/policy-tests.yaml")).isRegularFile();
        assertThat(home.resolve("schema/portcullis.schema.json")).isRegularFile();
        assertThat(home.resolve("deploy/prometheus/portcullis-alerts.yml")).isRegularFile();
        assertThat(home.resolve("deploy/grafana/portcullis-dashboard.json")).isRegularFile();
        assertThat(home.resolve("deploy/Containerfile")).isRegularFile();
        assertThat(home.resolve("deploy/kubernetes/overlays/single-instance/kustomization.yaml")).isRegularFile();
        assertThat(home.resolve("pom.xml")).doesNotExist();
        assertThat(home.resolve("src")).doesNotExist();
        assertThat(javaBin().resolve("mvn")).doesNotExist();
        assertThat(tools.resolve("mvn")).doesNotExist();
    }

    @Test
    void itValidatesTheExampleWithoutMaven() throws Exception {
        Result r = portcullis("validate", "--config", "examples/portcullis.yaml");

        assertThat(r.err()).doesNotContain("mvn", "Maven", "building");
        assertThat(r.out()).startsWith("examples/portcullis.yaml: OK (");
        assertThat(r.exit()).isZero();
    }

    @Test
    void itRunsThePolicyTestsOfTheExamples() throws Exception {
        Result r = portcullis("test", "--config", "examples/portcullis.yaml", "examples/policy-tests.yaml");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("\\d+ passed, 0 failed");
    }

    @Test
    void versionAndHelpWork() throws Exception {
        Result version = portcullis("--version");
        Result help = portcullis("--help");

        assertThat(version.exit()).isZero();
        assertThat(version.out()).startsWith("portcullis ");
        assertThat(help.exit()).isZero();
        assertThat(help.out()).contains("Usage: portcullis", "validate", "run", "demo");
    }

    @Test
    void aBrokenConfigIsOneLocatedLineAndAHint() throws Exception {
        Path broken = Files.writeString(tmp.resolve("broken.yaml"), "routes:\n  - id: a\n\tupstream: x\n");

        Result r = portcullis("validate", "--config", broken.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith(broken + ":3:1: not valid YAML: a tab indents this line")
                .contains("\n  hint: indent with spaces").doesNotContain("Exception");
    }
}
