package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The class-data (AppCDS) archive that {@code mvn package} makes (README, Start-up): it is there,
 * made for this Java and the jar, and the JVM the {@code ./portcullis} launcher starts loads the
 * application's classes from it, not from the jar.
 */
class ClassDataArchiveIT {
    private static final Path JAR = Path.of("target/portcullis.jar").toAbsolutePath();
    private static final Path ARCHIVE = Path.of("target/portcullis.jsa").toAbsolutePath();

    @TempDir
    Path tmp;

    /** What a command printed and how it ended. */
    private record Result(int exit, String out) {
    }

    private Result run(Map<String, String> env, String... command) throws Exception {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("finished").isTrue();
        return new Result(p.exitValue(), Files.readString(out));
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElseThrow();
    }

    @Test
    void packageMadeTheArchiveForThisJavaAndTheJar() throws Exception {
        assertThat(ARCHIVE).as("mvn package makes the archive (unless -Dcds.skip=true)").isRegularFile();
        assertThat(Files.getLastModifiedTime(ARCHIVE)).isGreaterThan(Files.getLastModifiedTime(JAR));
        assertThat(Files.readAllLines(Path.of(ARCHIVE + ".key")))
                .contains("java.version=" + System.getProperty("java.version"), "jar=" + JAR);
    }

    /** -Xshare:on: a JVM that cannot map the archive stops instead of running without it. */
    @Test
    void theJvmMapsItAndLoadsTheProxysClassesFromIt() throws Exception {
        Result r = run(Map.of(), java(), "-XX:SharedArchiveFile=" + ARCHIVE, "-Xshare:on", "-Xlog:class+load=info",
                "-jar", JAR.toString(), "--version");

        assertThat(r.exit()).as(r.out()).isZero();
        // A static archive: the JDK's classes, the proxy's, and picocli's Java 5 class files (which
        // Java 17 leaves out of an archive written at exit) all come from it.
        assertThat(r.out()).contains("dev.portcullis.cli.Main source: shared objects file",
                "picocli.CommandLine source: shared objects file", "java.util.jar.Attributes source: shared objects file")
                .doesNotContain("(top)"); // no layer of its own on the JDK's archive
    }

    @Test
    void theLauncherStartsJavaWithIt() throws Exception {
        assumeTrue(File.separatorChar == '/', "the launcher is a bash script");
        Path javaHome = Path.of(java()).getParent().getParent();
        List<String> command = new ArrayList<>(List.of("./portcullis", "--version"));

        Result r = run(Map.of("JAVA_HOME", javaHome.toString(),
                "PORTCULLIS_JAVA_OPTS", "-Xms64m -Xmx256m -XX:+UseSerialGC -Xlog:class+load=info"),
                command.toArray(String[]::new));

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("dev.portcullis.cli.Main source: shared objects file")
                .doesNotContain("dev.portcullis.cli.Main source: file:").doesNotContain("building");
    }
}
