package dev.portcullis.tools;

import dev.portcullis.vocab.Reason;
import java.util.List;
import java.util.Objects;

/**
 * Why one request would be answered as it would: each step of the request path, from the
 * normalized path to the final reason.
 *
 * @param method  the request method
 * @param url     the URL as given
 * @param host    the canonical host routes were looked up with, or null for none
 * @param path    the normalized path, or null when the target was refused (400)
 * @param caller  who was asking
 * @param route   the route chosen, or null when the request stopped before routing or found none
 * @param rules   every deny then allow entry of the route, each matched or not; empty when the
 *                request never reached authorization (public route, no or refused token)
 * @param reason  the decision, as the proxy would record it
 * @param wouldBe what {@code mode: audit} kept from being enforced: the refusal of a route in audit
 *                mode (then {@code reason} is {@code audit_mode}), or the decision with audit-mode
 *                entries enforced when it differs; null otherwise
 * @param notes   what was not checked or is worth knowing; never part of the decision
 */
public record Explanation(String method, String url, String host, String path, Caller caller, PolicyRoute route,
        List<RuleTrace> rules, Reason reason, Reason wouldBe, List<String> notes) {

    public Explanation {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(reason, "reason");
        rules = List.copyOf(rules);
        notes = List.copyOf(notes);
    }

    public boolean allowed() {
        return reason.allowed();
    }

    /** {@code allow} or {@code refuse}: the word scripts read. */
    public String decision() {
        return allowed() ? "allow" : "refuse";
    }

    /** The entry that decided, or null (public route, refusal before rules, or no entry matched). */
    public RuleTrace decisiveRule() {
        return rules.stream().filter(RuleTrace::decisive).findFirst().orElse(null);
    }
}
