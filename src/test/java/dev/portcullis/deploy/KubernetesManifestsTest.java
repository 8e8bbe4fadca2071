package dev.portcullis.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests under {@code deploy/kubernetes}: each overlay rendered, every object read
 * strictly into the Kubernetes API model (fabric8), the example Secrets. With {@code kubectl} on the
 * PATH the rendering is also compared with {@code kubectl kustomize}. What the objects say is checked
 * against their config in {@link KubernetesWiringTest}.
 */
class KubernetesManifestsTest {
    static final Path KUBERNETES = Path.of("deploy/kubernetes");
    static final String CONFIG = "/etc/portcullis/portcullis.yaml";
    private static final Set<String> KINDS = Set.of("ConfigMap", "Deployment", "Service",
            "HorizontalPodAutoscaler", "PodDisruptionBudget", "ServiceMonitor");

    static Path overlay(String name) {
        return KUBERNETES.resolve("overlays").resolve(name);
    }

    static List<HasMetadata> typed(List<ObjectNode> objects) {
        return objects.stream().map(StrictModel::read).toList();
    }

    static <T> T one(List<HasMetadata> objects, Class<T> type, String name) {
        return objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> name == null || name.equals(((HasMetadata) o).getMetadata().getName()))
                .reduce((a, b) -> {
                    throw new AssertionError("two " + type.getSimpleName() + " " + name);
                }).orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"single-instance", "with-redis"})
    void everyRenderedObjectIsAKubernetesObjectWithNoUnknownField(String name) throws Exception {
        List<ObjectNode> objects = Kustomize.render(overlay(name));
        assertThat(objects.stream().map(o -> o.path("kind").asText())).containsExactlyInAnyOrderElementsOf(
                List.of("ConfigMap", "Deployment", "Service", "Service", "HorizontalPodAutoscaler",
                        "PodDisruptionBudget", "ServiceMonitor"));
        for (ObjectNode o : objects) {
            HasMetadata h = StrictModel.read(o);
            String what = o.path("kind").asText() + " " + h.getMetadata().getName();
            assertThat(KINDS).as(what).contains(h.getKind());
            if (h.getKind().equals("ServiceMonitor")) {
                // Not in the fabric8 core model: its shape is checked field by field below.
                assertThat(h).isInstanceOf(GenericKubernetesResource.class);
                checkServiceMonitor(o);
            } else {
                assertThat(h).as(what + " typed").isNotInstanceOf(GenericKubernetesResource.class);
                assertThat(StrictModel.unknownFields(h)).as(what + ": fields the API model does not know").isEmpty();
            }
            assertThat(h.getMetadata().getLabels()).as(what).containsEntry("app.kubernetes.io/name", "portcullis");
        }
    }

    /** monitoring.coreos.com/v1: the fields used, each one the Prometheus Operator defines. */
    private static void checkServiceMonitor(ObjectNode o) {
        assertThat(o.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(fieldNames(o)).isSubsetOf("apiVersion", "kind", "metadata");
        assertThat(fieldNames(o.path("spec"))).isSubsetOf("selector", "endpoints", "namespaceSelector", "jobLabel");
        assertThat(fieldNames(o.path("spec").path("selector"))).isSubsetOf("matchLabels", "matchExpressions");
        assertThat(o.path("spec").path("endpoints").size()).isPositive();
        for (JsonNode e : o.path("spec").path("endpoints")) {
            assertThat(fieldNames(e)).isSubsetOf("port", "path", "interval", "scrapeTimeout", "scheme");
        }
    }

    static Set<String> fieldNames(JsonNode n) {
        Set<String> out = new TreeSet<>();
        n.fieldNames().forEachRemaining(out::add);
        out.remove("spec");
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"base/secrets.example.yaml", "overlays/with-redis/secrets.example.yaml"})
    void theExampleSecretsAreValidClearlyPlaceholdersAndNeverApplied(String file) throws Exception {
        Path path = KUBERNETES.resolve(file);
        assertThat(Files.readString(path)).startsWith("# EXAMPLE ONLY").contains("never to be applied");
        for (ObjectNode o : Kustomize.read(path)) {
            Secret s = (Secret) StrictModel.read(o);
            assertThat(StrictModel.unknownFields(s)).isEmpty();
            assertThat(s.getStringData().values()).allSatisfy(v -> assertThat(v).contains("REPLACE-ME"));
        }
        try (Stream<Path> files = Files.walk(KUBERNETES)) {
            for (Path k : files.filter(p -> p.endsWith("kustomization.yaml")).toList()) {
                JsonNode kustomization = new YAMLMapper().readTree(k.toFile());
                kustomization.path("resources").forEach(r -> assertThat(r.asText()).as(k + " must not apply an example")
                        .doesNotContain("secrets.example"));
                kustomization.path("patches").forEach(r -> assertThat(r.path("path").asText()).as(k.toString())
                        .doesNotContain("secrets.example"));
            }
        }
    }

    /** The strict reading finds what a lenient one would drop: the checks of this class can fail. */
    @ParameterizedTest
    @ValueSource(strings = {"/spec/template/spec/containers/0|readinesProbe", "/spec/template/spec|terminationGracePeriod",
            "/spec/template/spec/containers/0/securityContext|readOnlyRootFileSystem", "/spec|replica"})
    void aMisspeltFieldIsReported(String where) throws Exception {
        String[] at = where.split("\\|");
        ObjectNode deployment = Kustomize.find(Kustomize.render(overlay("single-instance")), "Deployment", "portcullis");
        ((ObjectNode) deployment.at(at[0])).put(at[1], 1);
        assertThat(StrictModel.unknownFields(StrictModel.read(deployment))).singleElement().asString().endsWith("." + at[1]);
    }

    @Test
    void secretsAndTheirKeysThatTheDeploymentMountsHaveAnExample() throws Exception {
        Map<String, Set<String>> examples = new HashMap<>();
        for (String f : List.of("base/secrets.example.yaml", "overlays/with-redis/secrets.example.yaml")) {
            for (ObjectNode o : Kustomize.read(KUBERNETES.resolve(f))) {
                Secret s = (Secret) StrictModel.read(o);
                examples.put(s.getMetadata().getName(), s.getStringData().keySet());
            }
        }
        for (String name : List.of("single-instance", "with-redis")) {
            PodSpec pod = one(typed(Kustomize.render(overlay(name))), Deployment.class, "portcullis").getSpec()
                    .getTemplate().getSpec();
            pod.getVolumes().stream().filter(v -> v.getProjected() != null)
                    .flatMap(v -> v.getProjected().getSources().stream()).filter(s -> s.getSecret() != null)
                    .forEach(s -> assertThat(examples.get(s.getSecret().getName())).as(name + " " + s.getSecret().getName())
                            .isNotNull().containsAll(s.getSecret().getItems().stream().map(i -> i.getKey()).toList()));
        }
    }

    @Test
    void theRenderingIsWhatKubectlKustomizeRenders() throws Exception {
        assumeTrue(onPath("kubectl"), "kubectl is not on the PATH");
        YAMLMapper yaml = new YAMLMapper();
        for (String name : List.of("single-instance", "with-redis")) {
            Process p = new ProcessBuilder("kubectl", "kustomize", overlay(name).toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("kubectl kustomize " + name).isZero();
            List<JsonNode> theirs = new ArrayList<>();
            try (var docs = yaml.readValues(yaml.createParser(out), JsonNode.class)) {
                docs.forEachRemaining(theirs::add);
            }
            assertThat(sorted(theirs)).as(name).isEqualTo(sorted(new ArrayList<>(Kustomize.render(overlay(name)))));
        }
    }

    private static Map<String, JsonNode> sorted(List<? extends JsonNode> objects) {
        Map<String, JsonNode> out = new TreeMap<>(Comparator.naturalOrder());
        objects.forEach(o -> out.put(o.path("kind").asText() + "/" + o.path("metadata").path("name").asText(), o));
        return out;
    }

    static boolean onPath(String command) {
        String path = System.getenv("PATH");
        return path != null && Stream.of(path.split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
