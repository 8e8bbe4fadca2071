package dev.portcullis.tools;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.config.ServerConfig;
import dev.portcullis.decide.Decider;
import dev.portcullis.decide.RouteView;
import java.util.Objects;
import java.util.Set;

/** What the decision core reads of a {@link PolicyRoute}: the same values the proxy's compiled route holds. */
final class PolicyRouteView implements RouteView<PolicyRoute> {
    private final ServerConfig server;

    private PolicyRouteView(ServerConfig server) {
        this.server = Objects.requireNonNull(server, "server");
    }

    /** The decision core over a model's routes. */
    static Decider<PolicyRoute> decider(PolicyModel model) {
        return new Decider<>(new PolicyRouteView(model.config().server()));
    }

    @Override
    public AccessPolicy policy(PolicyRoute route) {
        return route.policy();
    }

    @Override
    public Set<String> acceptedIssuers(PolicyRoute route) {
        return route.acceptedIssuers();
    }

    @Override
    public boolean auditOnly(PolicyRoute route) {
        return route.auditOnly();
    }

    @Override
    public boolean methodOverrideAllowed(PolicyRoute route) {
        return route.config().allowsMethodOverride(server);
    }
}
