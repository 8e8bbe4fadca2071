package dev.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A node of the parsed YAML tree with its path, and typed accessors that record a located
 * error (instead of throwing) when a value has the wrong type. Reading goes on after an error so
 * that one run of {@code validate} reports every problem in the file.
 */
final class ConfigNode {
    private final JsonNode node;
    private final String pointer;
    private final Problems problems;

    ConfigNode(JsonNode node, String pointer, Problems problems) {
        this.node = node;
        this.pointer = pointer;
        this.problems = problems;
    }

    boolean isMissing() {
        return node == null || node.isMissingNode() || node.isNull();
    }

    boolean isObject() {
        return node != null && node.isObject();
    }

    String pointer() {
        return pointer;
    }

    String location() {
        return problems.describe(pointer);
    }

    void error(String message) {
        problems.add(pointer, message);
    }

    /** Records a located warning: the file loads, but something in it probably does not mean what it says. */
    void warn(String message) {
        problems.warn(pointer, message);
    }

    boolean isArray() {
        return node != null && node.isArray();
    }

    boolean isBoolean() {
        return node != null && node.isBoolean();
    }

    boolean booleanValue() {
        return node != null && node.booleanValue();
    }

    /**
     * {@code file:line:column} of each string of the list {@code key} (of the value, when it is a
     * single string); empty when absent.
     */
    List<String> places(String key) {
        ConfigNode child = get(key);
        if (child.isMissing()) {
            return List.of();
        }
        if (!child.node.isArray()) {
            return List.of(problems.place(child.pointer));
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < child.node.size(); i++) {
            out.add(problems.place(child.pointer + "/" + i));
        }
        return out;
    }

    ConfigNode get(String key) {
        JsonNode child = node == null ? MissingNode.getInstance() : node.path(key);
        return new ConfigNode(child, pointer + "/" + key, problems);
    }

    /** Reports keys of this object that are not in {@code allowed}: a typo must not pass silently. */
    void allowOnly(Set<String> allowed) {
        if (!isObject()) {
            return;
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!allowed.contains(name)) {
                problems.add(pointer + "/" + name, UnknownKeys.message(name, allowed));
            }
        }
    }

    boolean expectObject() {
        if (isMissing()) {
            return false;
        }
        if (!node.isObject()) {
            error("expected a mapping");
            return false;
        }
        return true;
    }

    String text(String key, String fallback) {
        ConfigNode child = get(key);
        if (child.isMissing()) {
            return fallback;
        }
        if (!child.node.isValueNode() || child.node.isBoolean()) {
            child.error("expected a string");
            return fallback;
        }
        return child.node.asText();
    }

    /**
     * A key whose value is one of two words ({@code refuse | allow}, {@code enforce | audit}…):
     * true for {@code yes}, false for {@code no}, {@code fallback} when the key is absent or holds
     * another word (then with a located error).
     */
    Boolean choice(String key, String no, String yes, Boolean fallback) {
        String value = text(key, null);
        if (value == null) {
            return fallback;
        }
        if (!value.equals(no) && !value.equals(yes)) {
            get(key).error("expected '" + no + "' or '" + yes + "', was '" + value + "'");
            return fallback;
        }
        return value.equals(yes);
    }

    boolean bool(String key, boolean fallback) {
        ConfigNode child = get(key);
        if (child.isMissing()) {
            return fallback;
        }
        if (!child.node.isBoolean()) {
            child.error("expected true or false");
            return fallback;
        }
        return child.node.booleanValue();
    }

    long number(String key, long fallback, long min, long max) {
        ConfigNode child = get(key);
        if (child.isMissing()) {
            return fallback;
        }
        if (!child.node.canConvertToLong() || !child.node.isIntegralNumber()) {
            child.error("expected a whole number");
            return fallback;
        }
        long v = child.node.longValue();
        if (v < min || v > max) {
            child.error("must be between " + min + " and " + max + ", was " + v);
            return fallback;
        }
        return v;
    }

    /** A number from 0 to 1. */
    double fraction(String key, double fallback) {
        ConfigNode child = get(key);
        if (child.isMissing()) {
            return fallback;
        }
        if (!child.node.isNumber() || child.node.doubleValue() < 0 || child.node.doubleValue() > 1) {
            child.error("expected a number from 0 to 1");
            return fallback;
        }
        return child.node.doubleValue();
    }

    Duration duration(String key, Duration fallback) {
        ConfigNode child = get(key);
        if (child.isMissing()) {
            return fallback;
        }
        Duration d = child.node.isTextual() ? Durations.parse(child.node.asText()) : null;
        if (d == null) {
            child.error("expected a duration such as 500ms, 30s, 5m or 1h");
            return fallback;
        }
        return d;
    }

    /** A duration of at least {@code min}; a shorter one is an error (a timeout of 0 would cut every request). */
    Duration duration(String key, Duration fallback, Duration min) {
        Duration d = duration(key, fallback);
        if (d.compareTo(min) < 0) {
            get(key).error("must be at least " + Durations.format(min) + ", was " + Durations.format(d));
            return fallback;
        }
        return d;
    }

    /** A list of strings; a single string is read as a list of one. Returns null when absent. */
    List<String> texts(String key) {
        ConfigNode child = get(key);
        if (child.isMissing()) {
            return null;
        }
        return child.asTexts();
    }

    List<String> asTexts() {
        if (node.isTextual() || node.isNumber() || node.isBoolean()) {
            return List.of(node.asText());
        }
        if (!node.isArray()) {
            error("expected a string or a list of strings");
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode e = node.get(i);
            if (e.isTextual() || e.isNumber()) {
                out.add(e.asText());
            } else {
                problems.add(pointer + "/" + i, "expected a string");
            }
        }
        return out;
    }

    /** Children of a list; a missing key is an empty list. */
    List<ConfigNode> list(String key) {
        ConfigNode child = get(key);
        if (child.isMissing()) {
            return List.of();
        }
        if (!child.node.isArray()) {
            child.error("expected a list");
            return List.of();
        }
        List<ConfigNode> out = new ArrayList<>();
        for (int i = 0; i < child.node.size(); i++) {
            out.add(new ConfigNode(child.node.get(i), child.pointer + "/" + i, problems));
        }
        return out;
    }

    /** Entries of a mapping, in file order; a missing key is an empty map. */
    Map<String, ConfigNode> entries(String key) {
        ConfigNode child = get(key);
        Map<String, ConfigNode> out = new LinkedHashMap<>();
        if (child.isMissing()) {
            return out;
        }
        if (!child.node.isObject()) {
            child.error("expected a mapping");
            return out;
        }
        child.node.fields().forEachRemaining(e ->
                out.put(e.getKey(), new ConfigNode(e.getValue(), child.pointer + "/" + e.getKey(), problems)));
        return out;
    }
}
