package dev.portcullis.authz;

import dev.portcullis.config.RouteConfig;
import dev.portcullis.config.RuleConfig;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * A route's compiled access rules. Deny overrides allow; nothing matched means no.
 *
 * <p>Default deny is explicit: the last line of {@link #authorize} is a refusal, so a missing or
 * empty piece of policy can never mean yes.
 */
public final class AccessPolicy {
    private final boolean isPublic;
    private final List<Rule> deny;
    private final List<Rule> allow;
    /** Every rule, audit-mode ones included: the policy as it would be if they were enforced. */
    private final List<Rule> shadowDeny;
    private final List<Rule> shadowAllow;
    private final boolean hasAuditRules;

    private AccessPolicy(boolean isPublic, List<Rule> deny, List<Rule> allow) {
        this(isPublic, deny, allow, deny, allow);
    }

    private AccessPolicy(boolean isPublic, List<Rule> deny, List<Rule> allow, List<Rule> shadowDeny,
            List<Rule> shadowAllow) {
        this.isPublic = isPublic;
        this.deny = List.copyOf(deny);
        this.allow = List.copyOf(allow);
        this.shadowDeny = List.copyOf(shadowDeny);
        this.shadowAllow = List.copyOf(shadowAllow);
        this.hasAuditRules = shadowDeny.size() != deny.size() || shadowAllow.size() != allow.size();
    }

    public static AccessPolicy publicRoute() {
        return new AccessPolicy(true, List.of(), List.of());
    }

    public static AccessPolicy compile(List<RuleConfig> allow, List<RuleConfig> deny) {
        List<Rule> allDeny = rules(deny);
        List<Rule> allAllow = rules(allow);
        return new AccessPolicy(false, enforced(allDeny, deny), enforced(allAllow, allow), allDeny, allAllow);
    }

    private static List<Rule> enforced(List<Rule> rules, List<RuleConfig> configs) {
        List<Rule> out = new ArrayList<>(rules.size());
        for (int i = 0; i < rules.size(); i++) {
            if (!configs.get(i).audit()) {
                out.add(rules.get(i));
            }
        }
        return out;
    }

    /** Whether some rules are in {@code mode: audit}, so {@link #shadow} can differ from {@link #authorize}. */
    public boolean hasAuditRules() {
        return hasAuditRules;
    }

    /**
     * The decision as it would be with the audit-mode rules enforced too: what a rule rolled out
     * in {@code mode: audit} would do. Same evaluation as {@link #authorize}.
     */
    public Reason shadow(Identity who, String method) {
        return decide(shadowDeny, shadowAllow, who, method);
    }

    /**
     * The policy of one configured route, exactly as the proxy compiles it: public, or its allow
     * and deny entries. For tools that need the policy without the rest of a snapshot.
     */
    public static AccessPolicy forRoute(RouteConfig route) {
        return route.isPublic() ? publicRoute() : compile(route.allow(), route.deny());
    }

    private static List<Rule> rules(List<RuleConfig> configs) {
        List<Rule> out = new ArrayList<>(configs.size());
        for (int i = 0; i < configs.size(); i++) {
            RuleConfig c = configs.get(i);
            out.add(Rule.of(c.methods(), c.groupsAny(), c.groupsAll(), c.scopesAny(), c.scopesAll(), c.claims(), i));
        }
        return out;
    }

    public boolean isPublic() {
        return isPublic;
    }

    public List<Rule> denyRules() {
        return deny;
    }

    public List<Rule> allowRules() {
        return allow;
    }

    /** Decides for an authenticated caller. Public routes never reach here with a decision to make. */
    public Reason authorize(Identity who, String method) {
        return decide(deny, allow, who, method);
    }

    private Reason decide(List<Rule> denyRules, List<Rule> allowRules, Identity who, String method) {
        if (isPublic) {
            return Reason.PUBLIC_ROUTE;
        }
        for (int i = 0; i < denyRules.size(); i++) {
            if (denyRules.get(i).matches(who, method)) {
                return Reason.DENY_RULE;
            }
        }
        for (int i = 0; i < allowRules.size(); i++) {
            if (allowRules.get(i).matches(who, method)) {
                return Reason.ALLOWED;
            }
        }
        return Reason.GROUP_DENIED;
    }
}
