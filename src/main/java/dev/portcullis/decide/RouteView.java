package dev.portcullis.decide;

import dev.portcullis.authz.AccessPolicy;
import java.util.Set;

/**
 * What the decision core reads of a route, whatever the route type: the proxy's compiled
 * {@code Route}, the policy tools' {@code PolicyRoute}, or a test's own. One implementation per
 * route type, made once; nothing here allocates.
 *
 * @param <R> the route type the route table holds
 */
public interface RouteView<R> {

    /** The route's access rules, as enforced. */
    AccessPolicy policy(R route);

    /** Ids of the issuers whose tokens the route accepts, or null for all. */
    Set<String> acceptedIssuers(R route);

    /** {@code mode: audit}: 401 and 403 refusals are forwarded and recorded, not enforced. */
    boolean auditOnly(R route);

    /** Whether a {@code _method} query parameter is let through ({@code method_override: allow}). */
    boolean methodOverrideAllowed(R route);
}
