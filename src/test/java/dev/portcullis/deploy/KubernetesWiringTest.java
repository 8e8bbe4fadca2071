package dev.portcullis.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.portcullis.deploy.KubernetesManifestsTest.CONFIG;
import static dev.portcullis.deploy.KubernetesManifestsTest.fieldNames;
import static dev.portcullis.deploy.KubernetesManifestsTest.one;
import static dev.portcullis.deploy.KubernetesManifestsTest.overlay;
import static dev.portcullis.deploy.KubernetesManifestsTest.typed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
/**
 * What the rendered manifests say, checked against the config they carry as the proxy's own
 * {@link ConfigReader} reads it: listeners and ports, probes, the files mounted under
 * {@code /etc/portcullis}, the drain arithmetic, the user of the Containerfile; and that the README
 * describes them.
 */
class KubernetesWiringTest {
    /**
     * Sections whose files exist only in a pod (shared_state names the Redis password, CA and session
     * keys, identity_assertion the fleet's signing keys, from Secrets): left out here, where those files
     * cannot be read; their keys are checked in {@link #withRedisIsTheBaseConfigPlusSharedStateWithTheIssuesKeys}
     * and by the loader's own tests.
     */
    private static final Set<String> NOT_READ_YET = Set.of("shared_state", "identity_assertion");
    private static final Pattern ETC_FILE = Pattern.compile("(/etc/portcullis/[A-Za-z0-9._-]+)");

    @ParameterizedTest
    @ValueSource(strings = {"single-instance", "with-redis"})
    void probesPortsMountsAndTheDrainMatchTheConfigTheyCarry(String name) throws Exception {
        List<HasMetadata> objects = typed(Kustomize.render(overlay(name)));
        Deployment deployment = one(objects, Deployment.class, "portcullis");
        PodSpec pod = deployment.getSpec().getTemplate().getSpec();
        Container c = pod.getContainers().get(0);
        assertThat(pod.getContainers()).hasSize(1);

        // The config file the container is told to read is the ConfigMap's, at that path.
        assertThat(c.getArgs()).containsExactly("run", "--config", CONFIG);
        Map<String, String> files = mountedFiles(pod, c);
        ConfigMap cm = one(objects, ConfigMap.class, "portcullis-config");
        assertThat(files).containsEntry(CONFIG, "configMap " + cm.getMetadata().getName() + " portcullis.yaml");
        String text = cm.getData().get("portcullis.yaml");
        ProxyConfig config = readAsTheProxyDoes(text, c);

        // Listeners on every interface, on the container's named ports.
        Map<String, Integer> ports = new HashMap<>();
        for (ContainerPort p : c.getPorts()) {
            ports.put(p.getName(), p.getContainerPort());
        }
        assertThat(config.listen().host()).isEqualTo("0.0.0.0");
        assertThat(config.admin().listen().host()).isEqualTo("0.0.0.0");
        assertThat(ports).containsExactlyInAnyOrderEntriesOf(
                Map.of("proxy", config.listen().port(), "admin", config.admin().listen().port()));

        // Probes: the admin listener's /healthz (liveness) and /readyz (readiness).
        assertThat(c.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
        assertThat(c.getLivenessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(c.getReadinessProbe().getHttpGet().getPort().getStrVal()).isEqualTo("admin");

        // The drain: /readyz fails at SIGTERM; the load balancer must notice within drain_delay, and the
        // grace period covers the preStop hook, the drain delay and the requests in flight.
        long drain = config.shutdown().drainDelay().toSeconds();
        long timeout = config.shutdown().timeout().toSeconds();
        var readiness = c.getReadinessProbe();
        assertThat((long) readiness.getPeriodSeconds() * readiness.getFailureThreshold()).isLessThanOrEqualTo(drain);
        List<String> preStop = c.getLifecycle().getPreStop().getExec().getCommand();
        assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
        long sleep = Long.parseLong(preStop.get(1));
        assertThat(pod.getTerminationGracePeriodSeconds()).isBetween(sleep + drain + timeout + 5,
                sleep + drain + timeout + 30);

        // Every file the config names under /etc/portcullis is mounted there, from a Secret or the ConfigMap.
        Matcher m = ETC_FILE.matcher(text);
        Set<String> named = new TreeSet<>();
        while (m.find()) {
            named.add(m.group(1));
        }
        assertThat(named).contains(config.admin().tokenFile());
        assertThat(files.keySet()).containsAll(named);

        // Non-root, read-only root filesystem, writable /tmp only, requests and limits.
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getSecurityContext().getRunAsUser()).isEqualTo(ContainerfileTest.runtimeUser());
        assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
        assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(c.getVolumeMounts()).allSatisfy(v -> assertThat(v.getReadOnly() == Boolean.TRUE
                || v.getMountPath().equals("/tmp")).as(v.getMountPath()).isTrue());
        assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        assertThat(c.getResources().getLimits()).containsKeys("cpu", "memory");

        // The other objects point at the Deployment, its pods and its ports.
        Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertThat(podLabels).containsAllEntriesOf(deployment.getSpec().getSelector().getMatchLabels());
        for (HasMetadata o : objects) {
            if (o instanceof Service s) {
                assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector());
                s.getSpec().getPorts().forEach(p -> assertThat(ports).containsKey(p.getTargetPort().getStrVal()));
            }
        }
        Service admin = one(objects, Service.class, "portcullis-admin");
        assertThat(admin.getSpec().getPorts()).singleElement().satisfies(p -> assertThat(p.getName()).isEqualTo("admin"));
        assertThat(one(objects, Service.class, "portcullis").getSpec().getPorts())
                .noneMatch(p -> p.getTargetPort().getStrVal().equals("admin"));
        GenericKubernetesResource monitor = one(objects, GenericKubernetesResource.class, "portcullis");
        Map<String, Object> spec = castMap(monitor.getAdditionalProperties().get("spec"));
        assertThat(castMap(castMap(spec.get("selector")).get("matchLabels"))).isEqualTo(Map.copyOf(admin.getMetadata().getLabels()));
        assertThat((List<?>) spec.get("endpoints")).singleElement()
                .isEqualTo(Map.of("port", "admin", "path", "/metrics", "interval", "30s"));
        HorizontalPodAutoscaler hpa = one(objects, HorizontalPodAutoscaler.class, "portcullis");
        assertThat(hpa.getSpec().getScaleTargetRef().getKind()).isEqualTo("Deployment");
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("portcullis");
        assertThat(hpa.getSpec().getMinReplicas()).isLessThanOrEqualTo(hpa.getSpec().getMaxReplicas());
        if (name.equals("single-instance")) {
            assertThat(hpa.getSpec().getMaxReplicas()).as("state in memory: one pod").isEqualTo(1);
        }
        PodDisruptionBudget pdb = one(objects, PodDisruptionBudget.class, "portcullis");
        assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
    }

    @Test
    void withRedisIsTheBaseConfigPlusSharedStateWithTheIssuesKeys() throws Exception {
        YAMLMapper yaml = new YAMLMapper();
        ConfigMap base = one(typed(Kustomize.render(overlay("single-instance"))), ConfigMap.class, null);
        ConfigMap redis = one(typed(Kustomize.render(overlay("with-redis"))), ConfigMap.class, null);
        ObjectNode withRedis = (ObjectNode) yaml.readTree(redis.getData().get("portcullis.yaml"));
        JsonNode shared = withRedis.remove("shared_state");
        JsonNode assertion = withRedis.remove("identity_assertion");
        assertThat(fieldNames(assertion)).containsExactly("key_files");
        assertThat(assertion.path("key_files")).as("a signing key and the next one").hasSize(2);
        assertThat(withRedis).isEqualTo(yaml.readTree(base.getData().get("portcullis.yaml")));
        assertThat(fieldNames(shared)).containsExactly("redis");
        assertThat(fieldNames(shared.path("redis"))).containsExactlyInAnyOrder("uri", "username", "password_file",
                "ca_file", "key_prefix", "session_keys_files", "timeout");
        assertThat(shared.path("redis").path("uri").asText()).startsWith("rediss://");
    }

    @Test
    void theReadmeDescribesTheseManifests() throws Exception {
        String readme = Files.readString(Path.of("README.md"));
        int at = readme.indexOf("### Running on Kubernetes");
        assertThat(at).as("README: Running on Kubernetes").isPositive();
        assertThat(readme.lastIndexOf("\n## ", at)).as("in Operations").isEqualTo(readme.indexOf("\n## Operations"));
        String section = readme.substring(at, readme.indexOf("\n## ", at));
        PodSpec pod = one(typed(Kustomize.render(overlay("single-instance"))), Deployment.class, "portcullis")
                .getSpec().getTemplate().getSpec();
        assertThat(section).contains("podman build -f deploy/Containerfile",
                "kubectl create secret generic portcullis-admin --from-file=admin-token",
                "kubectl apply -k deploy/kubernetes/overlays/single-instance",
                "terminationGracePeriodSeconds: " + pod.getTerminationGracePeriodSeconds(),
                "user " + ContainerfileTest.runtimeUser(), "`" + CONFIG + "`", "[deploy/README.md](deploy/README.md)");
        assertThat(Files.readString(Path.of("deploy/README.md"))).contains("../README.md#running-on-kubernetes",
                "kubectl apply -k deploy/kubernetes/overlays/single-instance");
    }

    /**
     * The ConfigMap's portcullis.yaml as {@code portcullis run} reads it in the container: with the
     * container's environment. Keys the proxy does not read yet are taken out first (and must be
     * the only thing it refuses).
     */
    private static ProxyConfig readAsTheProxyDoes(String text, Container c) throws Exception {
        Map<String, String> env = new HashMap<>();
        for (EnvVar e : c.getEnv()) {
            env.put(e.getName(), e.getValue());
        }
        ObjectNode tree = (ObjectNode) new YAMLMapper().readTree(text);
        boolean pending = NOT_READ_YET.stream().anyMatch(tree::has);
        String source = text;
        if (pending) {
            tree.remove(NOT_READ_YET);
            source = new YAMLMapper().writeValueAsString(tree);
        }
        String read = source;
        return new ConfigReader(env, f -> read).read(Path.of(CONFIG));
    }

    /** Path in the container → where it comes from, for every file of the projected volumes mounted. */
    private static Map<String, String> mountedFiles(PodSpec pod, Container c) {
        Map<String, String> out = new TreeMap<>();
        for (var mount : c.getVolumeMounts()) {
            assertThat(mount.getSubPath()).as("subPath mounts never see a ConfigMap update").isNull();
            var volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                    .orElseThrow(() -> new AssertionError("no volume " + mount.getName()));
            if (volume.getProjected() == null) {
                continue;
            }
            for (VolumeProjection s : volume.getProjected().getSources()) {
                if (s.getConfigMap() != null) {
                    s.getConfigMap().getItems().forEach(i -> out.put(mount.getMountPath() + "/" + i.getPath(),
                            "configMap " + s.getConfigMap().getName() + " " + i.getKey()));
                } else if (s.getSecret() != null) {
                    s.getSecret().getItems().forEach(i -> out.put(mount.getMountPath() + "/" + i.getPath(),
                            "secret " + s.getSecret().getName() + " " + i.getKey()));
                }
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        assertThat(o).isInstanceOf(Map.class);
        return (Map<String, Object>) o;
    }

}
