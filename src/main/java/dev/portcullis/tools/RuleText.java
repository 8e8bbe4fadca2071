package dev.portcullis.tools;

import dev.portcullis.config.ClaimConfig;
import dev.portcullis.config.RuleConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An allow or deny entry as one line, in the order and words of the config file:
 * {@code methods [GET], claims.email suffix [@example.com], claims.email_verified true}.
 */
final class RuleText {
    private RuleText() {
    }

    static String of(RuleConfig r) {
        List<String> parts = new ArrayList<>();
        add(parts, "methods", r.methods());
        add(parts, "groups_any", r.groupsAny());
        add(parts, "groups_all", r.groupsAll());
        add(parts, "scopes_any", r.scopesAny());
        add(parts, "scopes_all", r.scopesAll());
        for (Map.Entry<String, ClaimConfig> c : r.claims().entrySet()) {
            parts.add("claims." + c.getKey() + " " + c.getValue().text());
        }
        return String.join(", ", parts);
    }

    private static void add(List<String> parts, String key, List<String> values) {
        if (values != null) {
            parts.add(key + " [" + String.join(", ", values) + "]");
        }
    }
}
