package dev.portcullis.tools;

import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.RouteConfig;
import dev.portcullis.config.RuleConfig;
import dev.portcullis.config.UnknownKeys;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The group names a config's rules use that the directory lacks ({@code validate --okta}): a typo
 * in a group is silent at the proxy, an allow entry that never matches or, worse, a deny entry
 * that never refuses. Names are compared exactly, as a token's groups claim is matched.
 */
public final class GroupCheck {
    private GroupCheck() {
    }

    /**
     * One group a rule names.
     *
     * @param group    the name as written
     * @param list     {@code allow} or {@code deny}
     * @param route    the route id
     * @param location where the group is written, {@code file:line:column} (an included file's own)
     */
    public record Use(String group, String list, String route, String location) {
        public Use {
            Objects.requireNonNull(group, "group");
        }
    }

    /** A group the org lacks, with the org's names nearest to it (none when none is a likely typo away). */
    public record Missing(Use use, List<String> nearest) {
        public Missing {
            nearest = List.copyOf(nearest);
        }

        /** A deny entry that names it never refuses anyone for it. */
        public boolean deny() {
            return use.list().equals("deny");
        }

        /** {@code file:line:col: group 'x' is not in the Okta org: did you mean 'y'?}, and what that means. */
        public String message() {
            StringBuilder sb = new StringBuilder(use.location()).append(": group '").append(use.group())
                    .append("' is not in the Okta org");
            if (!nearest.isEmpty()) {
                sb.append(": did you mean '").append(String.join("' or '", nearest)).append("'?");
            }
            sb.append(deny() ? " (a deny entry of route '" + use.route() + "': it never refuses anyone for this"
                    + " group, which is worse than an allow that never matches)"
                    : " (an allow entry of route '" + use.route() + "': it never matches on this group)");
            return sb.toString();
        }
    }

    /** Every group named by every rule, allow and deny, {@code groups_any} and {@code groups_all}, in config order. */
    public static List<Use> uses(ProxyConfig config) {
        List<Use> out = new ArrayList<>();
        for (RouteConfig r : config.routes()) {
            add(out, r, "deny", r.deny());
            add(out, r, "allow", r.allow());
        }
        return out;
    }

    /** The distinct group names the rules use. */
    public static Set<String> names(ProxyConfig config) {
        Set<String> out = new LinkedHashSet<>();
        uses(config).forEach(u -> out.add(u.group()));
        return out;
    }

    /** The uses of groups that {@code org} does not hold; deny entries first. */
    public static List<Missing> missing(List<Use> uses, Collection<String> org) {
        Set<String> known = Set.copyOf(org);
        List<Missing> out = new ArrayList<>();
        for (Use u : uses) {
            if (!known.contains(u.group())) {
                out.add(new Missing(u, UnknownKeys.nearest(u.group(), known)));
            }
        }
        return out;
    }

    private static void add(List<Use> out, RouteConfig route, String list, List<RuleConfig> rules) {
        for (RuleConfig rule : rules) {
            List<String> groups = new ArrayList<>();
            for (List<String> named : java.util.Arrays.asList(rule.groupsAny(), rule.groupsAll())) {
                if (named != null) {
                    groups.addAll(named);
                }
            }
            boolean placed = rule.groupPlaces().size() == groups.size();
            for (int i = 0; i < groups.size(); i++) {
                out.add(new Use(groups.get(i), list, route.id(), placed ? rule.groupPlaces().get(i) : rule.location()));
            }
        }
    }
}
