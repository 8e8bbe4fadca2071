package dev.portcullis.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and checks the {@code claims} of an allow or deny entry: claim name to a plain value or
 * list ({@link ClaimConfig.OneOf}), a boolean ({@link ClaimConfig.Bool}), or a matcher mapping with
 * exactly one of {@code one_of} or {@code suffix}. Each problem is reported at its own key.
 */
final class ClaimReader {
    static final Set<String> MATCHER_KEYS = Set.of("one_of", "suffix");

    private ClaimReader() {
    }

    static Map<String, ClaimConfig> claims(ConfigNode rule) {
        Map<String, ClaimConfig> out = new LinkedHashMap<>();
        rule.entries("claims").forEach((claim, value) -> out.put(claim, condition(value)));
        return out;
    }

    private static ClaimConfig condition(ConfigNode value) {
        if (value.isBoolean()) {
            return new ClaimConfig.Bool(value.booleanValue());
        }
        if (value.isObject()) {
            return matcher(value);
        }
        List<String> values = values(value, "must not be blank");
        for (String v : values) {
            // A glob reads naturally but is compared as text: say so, and how to write what was meant.
            if (v.indexOf('*') >= 0) {
                String hint = v.length() > 1 && v.lastIndexOf('*') == 0
                        ? "to match the ending write { suffix: \"" + v.substring(1) + "\" }"
                        : "there are no globs; to match an ending write { suffix: \"...\" }";
                value.warn("'" + v + "' is matched literally, '*' included: " + hint
                        + " (or { one_of: [...] } to keep it literal without this warning)");
                break;
            }
        }
        return new ClaimConfig.OneOf(values);
    }

    private static ClaimConfig matcher(ConfigNode n) {
        n.allowOnly(MATCHER_KEYS);
        ConfigNode oneOf = n.get("one_of");
        ConfigNode suffix = n.get("suffix");
        if (oneOf.isMissing() == suffix.isMissing()) {
            n.error("a claim matcher has exactly one of one_of or suffix");
            return new ClaimConfig.OneOf(List.of());
        }
        if (!oneOf.isMissing()) {
            return new ClaimConfig.OneOf(values(oneOf, "must not be blank"));
        }
        if (suffix.isBoolean()) {
            suffix.error("expected a string or a list of strings");
            return new ClaimConfig.Suffix(List.of());
        }
        // Every string ends with "": the condition would hold for any value of the claim.
        return new ClaimConfig.Suffix(values(suffix,
                "an empty suffix matches every string; write the ending, e.g. \"@example.com\""));
    }

    /** A value or a list of them; an empty list or a blank value is an error (it would match nothing). */
    private static List<String> values(ConfigNode n, String blank) {
        if (n.isMissing()) {
            n.error("expected a value or a list of values");
            return List.of();
        }
        List<String> values = n.asTexts();
        if (values.isEmpty() && n.isArray()) {
            n.error("an empty list matches nothing; remove the key or list values");
        }
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).isBlank()) {
                (n.isArray() ? n.get(Integer.toString(i)) : n).error(blank);
            }
        }
        return values;
    }
}
