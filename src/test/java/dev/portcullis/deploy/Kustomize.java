package dev.portcullis.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a Kustomize directory, for the subset {@code deploy/kubernetes} uses: {@code resources}
 * (files and directories) and {@code patches} that name a whole object by its kind and name, applied
 * as a JSON merge patch (RFC 7386). For patches without lists, or whose lists are given whole, that
 * is what kustomize's strategic merge does too; {@link KubernetesManifestsTest} compares the two when
 * {@code kubectl} is on the PATH. Anything else in a kustomization fails, rather than being ignored.
 */
final class Kustomize {
    private static final Set<String> FIELDS = Set.of("apiVersion", "kind", "resources", "patches");
    private static final YAMLMapper YAML = new YAMLMapper();

    private Kustomize() {
    }

    /** The objects {@code kubectl kustomize dir} would print, in the order of their resources. */
    static List<ObjectNode> render(Path dir) throws IOException {
        JsonNode k = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        for (Iterator<String> it = k.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException(dir + ": kustomization field '" + f + "' is not rendered here");
            }
        }
        if (!"Kustomization".equals(k.path("kind").asText())) {
            throw new IllegalArgumentException(dir + ": not a Kustomization");
        }
        List<ObjectNode> out = new ArrayList<>();
        for (JsonNode r : k.path("resources")) {
            Path p = dir.resolve(r.asText()).normalize();
            out.addAll(Files.isDirectory(p) ? render(p) : read(p));
        }
        for (JsonNode p : k.path("patches")) {
            if (p.size() != 1 || !p.has("path")) {
                throw new IllegalArgumentException(dir + ": only `- path: FILE` patches are rendered here: " + p);
            }
            ObjectNode patch = (ObjectNode) YAML.readTree(dir.resolve(p.path("path").asText()).toFile());
            ObjectNode target = find(out, patch.path("kind").asText(), patch.path("metadata").path("name").asText());
            merge(target, patch);
        }
        return out;
    }

    /** Every document of a YAML file, as objects. */
    static List<ObjectNode> read(Path file) throws IOException {
        List<ObjectNode> out = new ArrayList<>();
        try (var docs = YAML.readValues(YAML.createParser(file.toFile()), JsonNode.class)) {
            while (docs.hasNext()) {
                JsonNode d = docs.next();
                if (d != null && !d.isNull() && !d.isMissingNode()) {
                    out.add((ObjectNode) d);
                }
            }
        }
        return out;
    }

    static ObjectNode find(List<ObjectNode> objects, String kind, String name) {
        return objects.stream()
                .filter(o -> kind.equals(o.path("kind").asText()) && name.equals(o.path("metadata").path("name").asText()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException("no " + kind + " " + name + " to patch"));
    }

    /** RFC 7386: objects merge key by key, null removes, anything else (lists too) replaces. */
    private static void merge(ObjectNode target, JsonNode patch) {
        for (Map.Entry<String, JsonNode> e : patch.properties()) {
            if (e.getKey().startsWith("$")) {
                throw new IllegalArgumentException("strategic-merge directive " + e.getKey() + " is not rendered here");
            }
            JsonNode value = e.getValue();
            if (value.isNull()) {
                target.remove(e.getKey());
            } else if (value.isObject() && target.path(e.getKey()).isObject()) {
                merge((ObjectNode) target.get(e.getKey()), value);
            } else {
                target.set(e.getKey(), value.deepCopy());
            }
        }
    }
}
