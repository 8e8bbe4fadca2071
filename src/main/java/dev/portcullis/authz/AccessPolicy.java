package dev.portcullis.authz;

import dev.portcullis.config.RuleConfig;
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

    private AccessPolicy(boolean isPublic, List<Rule> deny, List<Rule> allow) {
        this.isPublic = isPublic;
        this.deny = List.copyOf(deny);
        this.allow = List.copyOf(allow);
    }

    public static AccessPolicy publicRoute() {
        return new AccessPolicy(true, List.of(), List.of());
    }

    public static AccessPolicy compile(List<RuleConfig> allow, List<RuleConfig> deny) {
        return new AccessPolicy(false, rules(deny), rules(allow));
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
        if (isPublic) {
            return Reason.PUBLIC_ROUTE;
        }
        for (int i = 0; i < deny.size(); i++) {
            if (deny.get(i).matches(who, method)) {
                return Reason.DENY_RULE;
            }
        }
        for (int i = 0; i < allow.size(); i++) {
            if (allow.get(i).matches(who, method)) {
                return Reason.ALLOWED;
            }
        }
        return Reason.GROUP_DENIED;
    }
}
