package dev.portcullis.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Reads a manifest into the fabric8 Kubernetes API model and reports every field the model does not
 * know. The model's classes take unknown fields into {@code additionalProperties} instead of failing
 * (a client must survive newer servers), so strictness is a walk over the object read: a misspelt
 * {@code readinesProbe}, or a v2 field under {@code autoscaling/v1}, is found there.
 */
final class StrictModel {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private StrictModel() {
    }

    /** The typed object; a kind the model does not have comes back as {@link GenericKubernetesResource}. */
    static HasMetadata read(JsonNode manifest) {
        return SERIALIZATION.unmarshal(manifest.toString(), HasMetadata.class);
    }

    /** Paths of the fields of {@code object} (and below) that the model did not recognise. */
    static List<String> unknownFields(Object object) {
        List<String> out = new ArrayList<>();
        walk(object, "", out);
        return out;
    }

    private static void walk(Object o, String at, List<String> out) {
        if (o == null || !o.getClass().getName().startsWith("io.fabric8.")) {
            if (o instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    walk(list.get(i), at + "[" + i + "]", out);
                }
            } else if (o instanceof Map<?, ?> map) {
                map.forEach((k, v) -> walk(v, at + "." + k, out));
            }
            return;
        }
        for (Method m : o.getClass().getMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers()) || !m.getName().startsWith("get")
                    || m.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value = invoke(m, o);
            if (m.getName().equals("getAdditionalProperties")) {
                if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(k -> out.add(at + "." + k));
                }
            } else {
                String field = Character.toLowerCase(m.getName().charAt(3)) + m.getName().substring(4);
                walk(value, at + "." + field, out);
            }
        }
    }

    private static Object invoke(Method m, Object o) {
        try {
            return m.invoke(o);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(m + ": " + e, e);
        }
    }
}
