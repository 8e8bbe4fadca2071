package dev.portcullis.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The {@code ./portcullis} launcher, run as a process with a PATH of stubs: a fake {@code java}
 * that prints the version it is told to, and no {@code mvn} unless a case adds one. A copy of
 * the script in a temporary directory stands for a fresh clone (no {@code target/}).
 */
class LauncherTest {
    private static final Path SCRIPT = Path.of("portcullis");
    /** The launcher's JVM flags on any Java it runs. */
    private static final String FLAGS = "-Xms64m -Xmx256m -XX:+UseSerialGC -XX:MaxNewSize=32m -XX:CompileThresholdScaling=5";
    /** Its flags on a Java with native-heap trimming as a product flag (17.0.12+, 21.0.4+, 23+), such as 17.0.15. */
    private static final String FLAGS_17_0_15 = FLAGS + " -XX:TrimNativeHeapInterval=2000";

    @TempDir
    Path tmp;
    private Path app;
    private Path bin;

    /** What the launcher printed and how it ended. */
    private record Result(int exit, String out, String err) {
    }

    @BeforeEach
    void freshCloneWithToolsButNoJavaOrMaven() throws IOException {
        assumeTrue(File.separatorChar == '/', "the launcher is a bash script");
        app = Files.createDirectories(tmp.resolve("app"));
        Files.copy(SCRIPT, app.resolve("portcullis"));
        Files.writeString(app.resolve("pom.xml"), "<project/>");
        Files.setLastModifiedTime(app.resolve("pom.xml"), FileTime.from(Instant.now().minusSeconds(7200)));
        bin = Files.createDirectories(tmp.resolve("bin"));
        for (String tool : List.of("bash", "dirname", "find")) {
            Path real = onPath(tool).orElseThrow(() -> new IllegalStateException(tool + " is not on the PATH"));
            Files.createSymbolicLink(bin.resolve(tool), real);
        }
    }

    private static Optional<Path> onPath(String tool) {
        return Arrays.stream(System.getenv("PATH").split(File.pathSeparator)).map(d -> Path.of(d, tool))
                .filter(Files::isExecutable).findFirst();
    }

    /** A {@code java} that answers {@code -version} with {@code versionLine} and otherwise echoes its arguments. */
    private Path fakeJava(Path dir, String versionLine) throws IOException {
        Files.createDirectories(dir);
        Path java = dir.resolve("java");
        Files.writeString(java, "#!/bin/sh\n"
                + "if [ \"$1\" = -version ]; then echo '" + versionLine + "' >&2; echo 'OpenJDK Runtime' >&2; exit 0; fi\n"
                + "echo \"ran: $*\"\n", StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return java;
    }

    private Result launch(Map<String, String> extraEnv, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(app.resolve("portcullis").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tmp.toFile());
        pb.environment().clear();
        pb.environment().put("PATH", bin.toString());
        // The flags do not depend on this machine's huge-page setting unless a test says which it is.
        pb.environment().put("PORTCULLIS_THP_SETTING_FILE", tmp.resolve("no-such-setting").toString());
        pb.environment().putAll(extraEnv);
        pb.redirectOutput(tmp.resolve("out").toFile()).redirectError(tmp.resolve("err").toFile());
        Process p = pb.start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("launcher finished").isTrue();
        return new Result(p.exitValue(), Files.readString(tmp.resolve("out")), Files.readString(tmp.resolve("err")));
    }

    @Test
    void withoutJavaItSaysWhatToInstall() throws Exception {
        Result r = launch(Map.of(), "demo");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("portcullis: Java 17 or newer is needed and there is no java on the PATH")
                .contains("openjdk-17-jdk").doesNotContain("command not found");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "java version \"1.8.0_392\"|8",
        "openjdk version \"11.0.21\" 2023-10-17|11",
        "openjdk version \"16\" 2021-03-16|16"})
    void anOlderJavaIsRefusedWithItsVersion(String versionLine, String major) throws Exception {
        Path java = fakeJava(bin, versionLine);

        Result r = launch(Map.of(), "demo");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("portcullis: Java 17 or newer is needed, but " + java + " is Java " + major
                + " (" + versionLine + ")").contains("openjdk-17-jdk").doesNotContain("command not found");
    }

    @Test
    void javaHomeIsTheJavaThatCounts() throws Exception {
        fakeJava(bin, "openjdk version \"21.0.1\" 2023-10-17");
        Path home = tmp.resolve("jdk11");
        Path java = fakeJava(home.resolve("bin"), "openjdk version \"11.0.21\" 2023-10-17");

        Result r = launch(Map.of("JAVA_HOME", home.toString()), "demo");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("portcullis: Java 17 or newer is needed, but " + java + " is Java 11");
    }

    @Test
    void withJava17ButNoMavenAndNoJarItSaysHowToGetOne() throws Exception {
        fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");

        Result r = launch(Map.of(), "demo");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("portcullis: " + app.resolve("target/portcullis.jar")
                + " is not built yet, and building it needs Maven").contains("sudo apt install maven")
                .doesNotContain("command not found");
    }

    @Test
    void aBuiltJarRunsWithoutMaven() throws Exception {
        fakeJava(bin, "openjdk version \"21.0.1\" 2023-10-17");
        Path jar = Files.createDirectories(app.resolve("target")).resolve("portcullis.jar");
        Files.writeString(jar, "not really a jar: the fake java only echoes");

        Result r = launch(Map.of(), "demo", "--port", "8081");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("ran: " + FLAGS + " -jar " + jar + " demo --port 8081\n");
    }

    @Test
    void aJarOlderThanTheSourcesRunsWithAWarningWhenMavenIsMissing() throws Exception {
        fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");
        Path jar = Files.createDirectories(app.resolve("target")).resolve("portcullis.jar");
        Files.writeString(jar, "an old build");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
        Files.writeString(Files.createDirectories(app.resolve("src/main")).resolve("Changed.java"), "// newer");

        Result r = launch(Map.of(), "validate", "--config", "x.yaml");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("is older than the sources and Maven (mvn) is not on the PATH");
        assertThat(r.out()).endsWith("-jar " + jar + " validate --config x.yaml\n");
    }

    /** A built jar an hour old, and (when {@code keyFor} is not null) an archive beside it made for {@code keyFor}. */
    private Path jarWithArchive(Path dir, String javaVersion, String keyFor) throws IOException {
        Path jar = dir.resolve("portcullis.jar");
        Files.createDirectories(dir);
        Files.writeString(jar, "not really a jar: the fake java only echoes");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
        if (keyFor != null) {
            Files.writeString(dir.resolve("portcullis.jsa"), "an archive");
            Files.writeString(dir.resolve("portcullis.jsa.key"), "# what it is for\njava.version=" + javaVersion
                    + "\njar=" + keyFor + "\n");
        }
        return jar;
    }

    /** Start-up: the version comes from the Java's release file, with no JVM started for {@code -version}. */
    @Test
    void theVersionIsReadFromTheReleaseFileWithoutStartingJava() throws Exception {
        Files.createSymbolicLink(bin.resolve("readlink"), onPath("readlink").orElseThrow());
        Path home = tmp.resolve("jdk");
        // Its -version would say 11, which the launcher refuses: the release file is what is read.
        fakeJava(home.resolve("bin"), "openjdk version \"11.0.21\" 2023-10-17");
        Files.writeString(home.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"17.0.15\"\n");
        Path jar = jarWithArchive(app.resolve("target"), "17.0.15", app.resolve("target/portcullis.jar").toString());

        Result r = launch(Map.of("JAVA_HOME", home.toString()), "demo");

        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("ran: -XX:SharedArchiveFile=" + app.resolve("target/portcullis.jsa")
                + " -Xshare:auto " + FLAGS_17_0_15 + " -jar " + jar + " demo\n");
    }

    /** Start-up: the class-data archive made for this Java and this jar goes to java, before the JVM options. */
    @Test
    void theClassDataArchiveMadeForThisJavaAndJarIsPassed() throws Exception {
        fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");
        Path target = app.resolve("target");
        Path jar = jarWithArchive(target, "17.0.15", app.resolve("target/portcullis.jar").toString());

        Result r = launch(Map.of(), "demo");

        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("ran: -XX:SharedArchiveFile=" + target.resolve("portcullis.jsa")
                + " -Xshare:auto " + FLAGS_17_0_15 + " -jar " + jar + " demo\n");
    }

    /** An archive for another Java, another path of the jar, or an older jar is not passed (the JVM would warn). */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "17.0.14|target/portcullis.jar|false|auto",
        "17.0.15|elsewhere/portcullis.jar|false|auto",
        "17.0.15|target/portcullis.jar|true|auto",
        "17.0.15|target/portcullis.jar|false|off"})
    void anArchiveForAnotherJavaOrJarIsNotPassed(String javaVersion, String jarPath, boolean jarIsNewer, String cds)
            throws Exception {
        fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");
        Path jar = jarWithArchive(app.resolve("target"), javaVersion, app.resolve(jarPath).toString());
        if (jarIsNewer) {
            Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(60)));
        }

        Result r = launch(Map.of("PORTCULLIS_CDS", cds), "demo");

        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("ran: " + FLAGS_17_0_15 + " -jar " + jar + " demo\n");
    }

    /**
     * {@code cds-train} is the training run, listing the classes it loads beside the jar; then a static
     * dump of that list makes the archive there (its output in portcullis.jsa.log).
     */
    @Test
    void cdsTrainListsTheClassesThenDumpsTheArchiveBesideTheJar() throws Exception {
        fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");
        Path target = app.resolve("target");
        Path jar = jarWithArchive(target, null, null);

        Result r = launch(Map.of(), "cds-train");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("ran: -XX:DumpLoadedClassList=" + target.resolve("portcullis.jsa.classlist")
                + " " + FLAGS_17_0_15 + " -jar " + jar + " cds-train\n");
        assertThat(Files.readString(target.resolve("portcullis.jsa.log"))).isEqualTo("ran: -Xshare:dump"
                + " -XX:SharedClassListFile=" + target.resolve("portcullis.jsa.classlist")
                + " -XX:SharedArchiveFile=" + target.resolve("portcullis.jsa") + " " + FLAGS_17_0_15 + " -cp " + jar + "\n");
    }

    /** A training run that fails (a wrong answer, or cut for hanging) is not dumped, and the verb fails. */
    @Test
    void aFailedTrainingRunIsNotDumped() throws Exception {
        Path java = fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");
        Files.writeString(java, "#!/bin/sh\n"
                + "if [ \"$1\" = -version ]; then echo 'openjdk version \"17.0.15\" 2025-04-15' >&2; exit 0; fi\n"
                + "case \"$1\" in -XX:DumpLoadedClassList=*) exit 3;; esac\n"
                + "echo \"dumped: $*\"\n", StandardCharsets.UTF_8);
        Path target = app.resolve("target");
        jarWithArchive(target, null, null);

        Result r = launch(Map.of(), "cds-train");

        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.out()).doesNotContain("dumped");
        assertThat(target.resolve("portcullis.jsa.log")).doesNotExist();
    }

    /** Where there is no archive for it, the first {@code run} makes one, then starts with it. */
    @Test
    void theFirstRunWithoutAnArchiveMakesOneThenStartsWithIt() throws Exception {
        Path java = fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");
        // This java's training run writes the archive and its key, as the real cds-train does.
        Files.writeString(java, "#!/bin/sh\n"
                + "if [ \"$1\" = -version ]; then echo 'openjdk version \"17.0.15\" 2025-04-15' >&2; exit 0; fi\n"
                + "for a in \"$@\"; do case \"$a\" in -XX:DumpLoadedClassList=*) l=\"${a#*=}\";; "
                + "-XX:SharedArchiveFile=*) f=\"${a#*=}\";; esac; done\n"
                + "if [ -n \"$l\" ]; then echo list >\"$l\"; printf 'java.version=17.0.15\\njar=%s\\n' \"$JAR\" >\"${l%.classlist}.key\"; "
                + "echo \"trained: $*\" >>\"${l%.classlist}.trained\"; exit 0; fi\n"
                + "if [ \"$1\" = -Xshare:dump ]; then echo archive >\"$f\"; echo \"dumped: $*\"; exit 0; fi\n"
                + "echo \"ran: $*\"\n", StandardCharsets.UTF_8);
        Path target = app.resolve("target");
        Path jar = jarWithArchive(target, null, null);

        Result r = launch(Map.of("JAR", jar.toString()), "run", "--config", "x.yaml");

        assertThat(r.err()).startsWith("portcullis: making " + target.resolve("portcullis.jsa")
                + ", the class-data archive for this Java (17.0.15) and this jar, once");
        assertThat(Files.readString(target.resolve("portcullis.jsa.trained"))).isEqualTo("trained: -XX:DumpLoadedClassList="
                + target.resolve("portcullis.jsa.classlist") + " " + FLAGS_17_0_15 + " -jar " + jar + " cds-train\n");
        assertThat(Files.readString(target.resolve("portcullis.jsa.log"))).startsWith("dumped: -Xshare:dump");
        assertThat(r.out()).isEqualTo("ran: -XX:SharedArchiveFile=" + target.resolve("portcullis.jsa")
                + " -Xshare:auto " + FLAGS_17_0_15 + " -jar " + jar + " run --config x.yaml\n");
    }

    /** The script copied somewhere alone: no sources to build from, no jar beside it. */
    @Test
    void aLoneCopyOfTheScriptSaysWhereToRunItFrom() throws Exception {
        fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");
        Files.delete(app.resolve("pom.xml"));

        Result r = launch(Map.of(), "--version");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).startsWith("portcullis: no jar to run: " + app)
                .contains("unpack target/portcullis-VERSION.tar.gz").doesNotContain("POM");
        assertThat(r.out()).isEmpty();
    }

    /** The distribution archive's layout: bin/portcullis runs lib/portcullis.jar, with no Maven and nothing to build. */
    @Test
    void inADistributionTheLauncherRunsTheJarBesideItWithoutMaven() throws Exception {
        fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");
        Path dist = Files.createDirectories(tmp.resolve("portcullis-1.2.3"));
        Files.createDirectories(dist.resolve("bin"));
        Files.copy(SCRIPT, dist.resolve("bin/portcullis"));
        Path jar = Files.createDirectories(dist.resolve("lib")).resolve("portcullis.jar");
        Files.writeString(jar, "a released jar");
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now().minusSeconds(3600)));
        app = dist.resolve("bin");

        Result r = launch(Map.of("PORTCULLIS_JAVA_OPTS", "-Xmx128m"), "validate", "--config", "examples/portcullis.yaml");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("ran: -Xmx128m -jar " + jar + " validate --config examples/portcullis.yaml\n");
    }

    /** In a distribution the archive is lib/portcullis.jsa, made there for lib/portcullis.jar (cds-train). */
    @Test
    void inADistributionTheArchiveBesideTheJarIsPassed() throws Exception {
        fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");
        Path dist = Files.createDirectories(tmp.resolve("portcullis-1.2.3"));
        Files.createDirectories(dist.resolve("bin"));
        Files.copy(SCRIPT, dist.resolve("bin/portcullis"));
        Path lib = dist.resolve("bin/../lib");
        Path jar = jarWithArchive(dist.resolve("lib"), "17.0.15", lib.resolve("portcullis.jar").normalize().toString());
        app = dist.resolve("bin");

        Result r = launch(Map.of(), "validate", "--config", "x.yaml");

        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("ran: -XX:SharedArchiveFile=" + dist.resolve("lib/portcullis.jsa")
                + " -Xshare:auto " + FLAGS_17_0_15 + " -jar " + jar + " validate --config x.yaml\n");
    }

    /**
     * Native-heap trimming is asked of a Java only where the flag is a product flag: an older Java
     * would refuse to start on an unknown {@code -XX} option, and where it is still experimental it
     * would need every experimental option unlocked.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "17.0.11|false", "17.0.12|true", "17.0.15|true", "18.0.2|false", "21.0.1|false", "21.0.3|false",
        "21.0.4|true", "22.0.2|false", "23|true", "25.0.1|true", "26-ea|true"})
    void nativeHeapTrimmingOnlyWhereTheJavaHasItAsAProductFlag(String version, boolean trims) throws Exception {
        fakeJava(bin, "openjdk version \"" + version + "\" 2025-01-01");
        Path jar = jarWithArchive(app.resolve("target"), null, null);

        Result r = launch(Map.of(), "demo");

        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("ran: " + (trims ? FLAGS + " -XX:TrimNativeHeapInterval=2000" : FLAGS) + " -jar "
                + jar + " demo\n");
    }

    /**
     * Transparent huge pages are asked for where the kernel gives them on request ([madvise]): not
     * where every process has them already ([always]), nor where the JVM could only warn ([never]),
     * nor where the setting cannot be read.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "always [madvise] never|true", "[always] madvise never|false", "always madvise [never]|false",
        "[madvise] never|true", "|false"})
    void hugePagesOnlyWhereTheKernelGivesThemOnRequest(String setting, boolean asked) throws Exception {
        fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");
        Path jar = jarWithArchive(app.resolve("target"), null, null);
        Path file = tmp.resolve("thp-enabled");
        if (setting != null) {
            Files.writeString(file, setting + "\n");
        }

        Result r = launch(Map.of("PORTCULLIS_THP_SETTING_FILE", file.toString()), "demo");

        assertThat(r.err()).isEmpty();
        assertThat(r.out()).isEqualTo("ran: " + FLAGS_17_0_15 + (asked ? " -XX:+UseTransparentHugePages" : "")
                + " -jar " + jar + " demo\n");
    }

    /** A Java whose version cannot be told is tried with a warning, and without the trimming it may lack. */
    @Test
    void aJavaOfUnknownVersionGetsNoTrimming() throws Exception {
        fakeJava(bin, "some JVM, version unknown");
        Path jar = jarWithArchive(app.resolve("target"), null, null);

        Result r = launch(Map.of(), "demo");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).startsWith("portcullis: cannot tell which Java ").contains("trying it anyway");
        assertThat(r.out()).isEqualTo("ran: " + FLAGS + " -jar " + jar + " demo\n");
    }

    /** {@code PORTCULLIS_JAVA_OPTS} replaces the flags, trimming included. */
    @Test
    void theOperatorsFlagsReplaceTheLaunchers() throws Exception {
        fakeJava(bin, "openjdk version \"17.0.15\" 2025-04-15");
        Path jar = jarWithArchive(app.resolve("target"), null, null);

        Result r = launch(Map.of("PORTCULLIS_JAVA_OPTS", "-Xmx512m -XX:+UseParallelGC"), "demo");

        assertThat(r.out()).isEqualTo("ran: -Xmx512m -XX:+UseParallelGC -jar " + jar + " demo\n");
    }
}
