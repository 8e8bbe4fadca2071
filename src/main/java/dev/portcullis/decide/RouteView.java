package dev.portcullis.decide;

import dev.portcullis.route.RoutePolicy;

/**
 * What the decision core reads of a route, whatever the route type: its {@link RoutePolicy}, the
 * half that the proxy's compiled {@code Route} and the policy tools' {@code PolicyRoute} both
 * hold, compiled by the same {@link RoutePolicy#compile}. Nothing here allocates.
 *
 * @param <R> the route type the route table holds
 */
@FunctionalInterface
public interface RouteView<R> {

    /** The route's policy half: access rules, accepted issuers, audit mode, method override. */
    RoutePolicy of(R route);
}
