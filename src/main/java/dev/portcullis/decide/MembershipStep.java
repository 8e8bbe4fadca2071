package dev.portcullis.decide;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.decide.Verdict.Forward;
import dev.portcullis.decide.Verdict.Step;
import dev.portcullis.membership.MembershipCheck;
import dev.portcullis.membership.OverlayVerdict;
import dev.portcullis.route.RequestTarget;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;

/**
 * The decision's <b>membership</b> step, between blockedSubject and authorize: what the directory
 * changed after the token was issued (the membership overlay) applies to it, also when the
 * verified token came from the cache.
 *
 * <ul>
 *   <li>A user revoked since (deactivated, suspended, signed out, revoked by an operator) is refused
 *       with that reason (403), naming the event;</li>
 *   <li>a token that lost groups since is authorized with the groups it has left, and its identity
 *       headers carry only those. When it is refused only because of the loss, the reason is
 *       {@code membership_revoked}, naming the event.</li>
 * </ul>
 * A directory event only ever takes access away: a request the token as issued would be refused
 * (a deny rule on the group since removed, say) stays refused for the same reason as without the overlay.
 */
final class MembershipStep {
    private MembershipStep() {
    }

    static <R> Verdict<R> decide(Decider<R> decider, RouteView<R> view, RequestFacts facts, R route,
            RequestTarget target, Identity who, MembershipCheck membership) {
        OverlayVerdict ov = membership.check(who);
        if (ov instanceof OverlayVerdict.Refused r) {
            return decider.auditMode(Step.MEMBERSHIP, r.reason(), route, target, who, null, r.eventUuid());
        }
        if (!(ov instanceof OverlayVerdict.Narrowed n)) {
            return decider.authorize(facts, route, target, who);
        }
        AccessPolicy policy = view.of(route).access();
        if (!policy.authorize(who, facts.method()).allowed()) {
            return decider.authorize(facts, route, target, who); // refused as issued: the overlay adds nothing
        }
        Identity left = new Identity(who.issuerId(), who.subject(), n.groups(), who.scopes(), who.email(),
                who.tokenId(), who.clientId(), who.expiresAt(), who.claims());
        if (policy.authorize(left, facts.method()).allowed()) {
            Verdict<R> v = decider.authorize(facts, route, target, left);
            return v instanceof Forward<R> f ? new Forward<>(f.reason(), f.route(), f.target(), f.identity(),
                    f.wouldReason(), n.eventUuid()) : v;
        }
        return decider.auditMode(Step.MEMBERSHIP, Reason.MEMBERSHIP_REVOKED, route, target, left, null,
                n.eventUuid());
    }
}
