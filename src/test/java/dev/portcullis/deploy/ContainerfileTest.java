package dev.portcullis.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.cli.LauncherFlags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/Containerfile}, read instruction by instruction (there is no container engine
 * here to build it): two stages, a JRE-only runtime as a numeric non-root user, the health check on
 * the admin listener's {@code /healthz}, the ports and the config path that the Kubernetes manifests
 * and the README use, and sources that exist in this repository.
 */
class ContainerfileTest {
    static final Path CONTAINERFILE = Path.of("deploy/Containerfile");
    private static final Pattern STAGE = Pattern.compile("(?i)(\\S+)(?:\\s+AS\\s+(\\S+))?");

    /** One instruction: its keyword and its arguments, continuation lines joined. */
    record Instruction(String keyword, String args) {
    }

    static List<Instruction> instructions() throws IOException {
        List<Instruction> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : Files.readAllLines(CONTAINERFILE)) {
            String t = line.strip();
            if (t.startsWith("#") || (t.isEmpty() && current.length() == 0)) {
                continue;
            }
            boolean continues = t.endsWith("\\");
            current.append(continues ? t.substring(0, t.length() - 1) : t).append(' ');
            if (!continues) {
                String s = current.toString().strip();
                int sp = s.indexOf(' ');
                out.add(new Instruction(s.substring(0, sp).toUpperCase(), s.substring(sp + 1).strip()));
                current.setLength(0);
            }
        }
        assertThat(current.toString()).as("a continuation at the end of the file").isBlank();
        return out;
    }

    /** The instructions of the last stage (the image that runs). */
    static List<Instruction> runtimeStage() throws IOException {
        List<Instruction> all = instructions();
        int last = 0;
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyword().equals("FROM")) {
                last = i;
            }
        }
        return all.subList(last, all.size());
    }

    /** The numeric uid of the runtime stage's USER. */
    static long runtimeUser() throws IOException {
        List<Instruction> users = runtimeStage().stream().filter(i -> i.keyword().equals("USER")).toList();
        assertThat(users).hasSize(1);
        String user = users.get(0).args().split(":")[0];
        assertThat(user).as("a numeric uid, so runAsNonRoot can check it").matches("[0-9]+");
        return Long.parseLong(user);
    }

    private static List<Matcher> stages() throws IOException {
        return instructions().stream().filter(i -> i.keyword().equals("FROM"))
                .map(i -> STAGE.matcher(i.args())).filter(Matcher::matches).toList();
    }

    /** The instructions of stage {@code n} (0: build, 1: class data, 2: runtime). */
    private static List<Instruction> stage(int n) throws IOException {
        List<Instruction> all = instructions();
        List<Integer> froms = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            if (all.get(i).keyword().equals("FROM")) {
                froms.add(i);
            }
        }
        return all.subList(froms.get(n), n + 1 < froms.size() ? froms.get(n + 1) : all.size());
    }

    @Test
    void aMavenJdk17BuildStageAClassDataStageAndAJreOnlyRuntimeStage() throws IOException {
        List<Matcher> stages = stages();
        assertThat(stages).hasSize(3);
        assertThat(stages.get(0).group(1)).contains("maven:").contains("temurin-17");
        assertThat(stages.get(0).group(2)).isEqualTo("build");
        assertThat(stages.get(1).group(2)).isEqualTo("cds");
        assertThat(stages.get(2).group(1)).endsWith("eclipse-temurin:17-jre");
        List<String> copies = runtimeStage().stream().filter(i -> i.keyword().equals("COPY")).map(Instruction::args)
                .toList();
        assertThat(copies).containsExactly("--from=cds /opt/portcullis /opt/portcullis");
        assertThat(runtimeStage()).noneMatch(i -> i.keyword().equals("RUN"));
    }

    /**
     * Java 17 ties a class-data archive to the JVM build and to the jar's absolute path: the archive is
     * made by the runtime's own image, with the distribution where the runtime has it, by the launcher
     * the image runs (which passes it to java only when both match: README, "Start-up").
     */
    @Test
    void theClassDataArchiveIsMadeByTheRuntimesJreAtTheRuntimesPath() throws IOException {
        List<Instruction> cds = stage(1);
        assertThat(stages().get(1).group(1)).isEqualTo(stages().get(2).group(1));
        assertThat(cds.stream().filter(i -> i.keyword().equals("COPY")).map(Instruction::args))
                .containsExactly("--from=build /dist /opt/portcullis");
        assertThat(cds.stream().filter(i -> i.keyword().equals("RUN")).map(Instruction::args))
                .singleElement().asString().startsWith("/opt/portcullis/bin/portcullis cds-train ");
        assertThat(arguments(runtimeStage(), "ENTRYPOINT")).containsExactly("/opt/portcullis/bin/portcullis");
    }

    @Test
    void theBuildStageCopiesWhatTheDistributionArchiveIsMadeOf() throws IOException {
        List<Instruction> build = stage(0);
        List<String> sources = new ArrayList<>();
        for (Instruction i : build) {
            if (i.keyword().equals("COPY")) {
                String[] words = i.args().split("\\s+");
                for (int w = 0; w < words.length - 1; w++) {
                    sources.add(words[w]);
                }
            }
        }
        assertThat(sources).allSatisfy(s -> assertThat(Path.of(s)).exists());
        // The assembly descriptor's sources are all copied in (else the archive is incomplete).
        String dist = Files.readString(Path.of("src/assembly/dist.xml"));
        for (String needed : List.of("portcullis", "README.md", "examples", "schema", "deploy")) {
            assertThat(dist).contains(needed);
            assertThat(sources).contains(needed);
        }
        assertThat(sources).contains("pom.xml", "src");
        String package_ = build.stream().filter(i -> i.keyword().equals("RUN") && i.args().contains("package"))
                .findFirst().orElseThrow().args();
        assertThat(package_).contains("-DskipTests package").contains("target/portcullis-*.tar.gz");
    }

    @Test
    void runsAsNonRootWithTheConfigPathTheManifestsMount() throws IOException {
        assertThat(runtimeUser()).isPositive();
        List<Instruction> run = runtimeStage();
        assertThat(arguments(run, "ENTRYPOINT")).containsExactly("/opt/portcullis/bin/portcullis");
        assertThat(arguments(run, "CMD")).containsExactly("run", "--config", KubernetesManifestsTest.CONFIG);
        String env = run.stream().filter(i -> i.keyword().equals("ENV")).map(Instruction::args)
                .reduce("", String::concat);
        // A read-only root filesystem: the JVM writes nothing but under /tmp.
        assertThat(env).contains("-Djava.io.tmpdir=/tmp").contains("-XX:-UsePerfData");
    }

    /** The image and the Deployment set PORTCULLIS_JAVA_OPTS, which replaces the launcher's flags: they keep them. */
    @Test
    void theImageAndTheDeploymentKeepTheLaunchersJvmFlags() throws IOException {
        String flags = LauncherFlags.withTrim();
        String env = runtimeStage().stream().filter(i -> i.keyword().equals("ENV")).map(Instruction::args)
                .reduce("", String::concat);
        assertThat(env).contains("PORTCULLIS_JAVA_OPTS=\"" + flags + " ");
        assertThat(Files.readString(KubernetesManifestsTest.KUBERNETES.resolve("base/deployment.yaml")))
                .contains("value: " + flags + " ");
    }

    @Test
    void exposesTheConfiguredPortsAndChecksTheAdminHealthz() throws IOException {
        JsonNode config = new YAMLMapper().readTree(new YAMLMapper()
                .readTree(KubernetesManifestsTest.KUBERNETES.resolve("base/configmap.yaml").toFile())
                .path("data").path("portcullis.yaml").asText());
        String proxyPort = config.path("listen").asText().replaceAll(".*:", "");
        String adminPort = config.path("admin").path("listen").asText().replaceAll(".*:", "");
        List<Instruction> run = runtimeStage();
        String expose = run.stream().filter(i -> i.keyword().equals("EXPOSE")).findFirst().orElseThrow().args();
        assertThat(expose.split("\\s+")).containsExactlyInAnyOrder(proxyPort, adminPort);
        String health = run.stream().filter(i -> i.keyword().equals("HEALTHCHECK")).findFirst().orElseThrow().args();
        assertThat(health).contains("CMD [").contains("/dev/tcp/127.0.0.1/" + adminPort).contains("GET /healthz ")
                .contains("' 200'");
    }

    /** The JSON (exec) form of ENTRYPOINT or CMD. */
    private static List<String> arguments(List<Instruction> stage, String keyword) throws IOException {
        String args = stage.stream().filter(i -> i.keyword().equals(keyword)).findFirst().orElseThrow().args();
        List<String> out = new ArrayList<>();
        new ObjectMapper().readTree(args).forEach(n -> out.add(n.asText()));
        return out;
    }
}
