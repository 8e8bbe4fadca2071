package dev.portcullis.tools;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Who gains and who loses access between two configs: what a security review reads on a pull
 * request, and what {@code report --diff --fail-on-gain} fails on.
 *
 * <p>Access is <b>effective</b> access, computed by the proxy's decision core for representative
 * callers and requests derived from both configs ({@link EffectiveAccess}, where the choice of
 * callers and paths, and why it misses no gain, is explained): a {@link Effect#GAIN} row is a
 * caller that can now send a request that was refused before (or reached other upstreams), a
 * {@link Effect#LOSS} row the reverse. Changes of the rules as written ({@link RuleChanges}) that
 * show in no gain or loss of their route and method (an entry already covered by another, an allow
 * that a deny cancels, a deny on a group nobody is allowed as, a reordering, a renamed route, a
 * narrowed match) are listed too, as {@link Effect#NONE}: "rule changes that do not change access".
 *
 * @param oldSource the config before
 * @param newSource the config after
 * @param changes   the gains, then the losses, then the rule changes that change no access
 * @param notes     where the comparison was cut short (too many alternatives); empty when complete
 */
public record PolicyDiff(String oldSource, String newSource, List<Change> changes, List<String> notes) {

    public PolicyDiff {
        changes = List.copyOf(changes);
        notes = List.copyOf(notes);
    }

    /** A gain or loss of effective access, or ({@code NONE}) a rule change that changes no access. */
    public enum Effect { GAIN, LOSS, NONE }

    /**
     * One change.
     *
     * @param effect   gain, loss, or none (a rule change that changes no access)
     * @param route    the route id: the route that now receives the request for a gain, the one that
     *                 received it for a loss
     * @param method   the method, or {@code *} for the whole route
     * @param change   {@code access gained}, {@code access lost}; for a rule change what changed:
     *                 {@code allow added}, {@code deny removed}, {@code route added}…
     * @param subject  who: the caller that gains or loses ({@code group:interns}, {@code anonymous (no
     *                 token)}, {@code any valid token}), or for a rule change the alternative, match
     *                 or issuer that changed
     * @param requests for a gain or loss, the requests concerned: the route's match when it is all of
     *                 them, otherwise the probe requests ({@code host/path}); empty for a rule change
     */
    public record Change(Effect effect, String route, String method, String change, String subject,
            String requests) {
        public Change {
            Objects.requireNonNull(effect, "effect");
            Objects.requireNonNull(requests, "requests");
        }

        /** A rule-level change, which names no requests. */
        public Change(Effect effect, String route, String method, String change, String subject) {
            this(effect, route, method, change, subject, "");
        }
    }

    /**
     * Whether some caller gains access to some request, or the comparison was cut short (then a
     * gain cannot be ruled out, and {@code --fail-on-gain} fails closed).
     */
    public boolean hasGain() {
        return !notes.isEmpty() || changes.stream().anyMatch(c -> c.effect() == Effect.GAIN);
    }

    public static PolicyDiff of(PolicyModel before, PolicyModel after) {
        EffectiveAccess access = EffectiveAccess.compare(before, after);
        List<Change> out = new ArrayList<>(AccessChanges.rows(access, before, after));
        List<Change> effective = List.copyOf(out);
        for (Change c : RuleChanges.of(before, after)) {
            if (!shownBy(c, effective)) {
                out.add(new Change(Effect.NONE, c.route(), c.method(), c.change(), c.subject()));
            }
        }
        return new PolicyDiff(before.config().source(), after.config().source(), out, List.copyOf(access.notes()));
    }

    /** Whether a rule change shows as a gain or loss of the same direction on its route and method. */
    private static boolean shownBy(Change rule, List<Change> effective) {
        return effective.stream().anyMatch(e -> e.effect() == rule.effect() && e.route().equals(rule.route())
                && (rule.method().equals("*") || e.method().equals(rule.method())));
    }
}
