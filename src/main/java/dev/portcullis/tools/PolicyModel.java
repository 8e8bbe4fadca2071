package dev.portcullis.tools;

import dev.portcullis.authz.AccessPolicy;
import dev.portcullis.config.ConfigException;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.IssuerConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.RouteConfig;
import dev.portcullis.config.RuleConfig;
import dev.portcullis.route.RoutePolicy;
import dev.portcullis.route.RouteTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The policy part of a config, compiled by the code {@code PolicyCompiler} compiles it with
 * ({@link RoutePolicy#compile}, {@link RouteTable#build}) but with nothing that listens, connects
 * or fetches keys, so the policy tools can run anywhere, offline, in milliseconds.
 *
 * @param config the validated config it was compiled from
 * @param routes the routes, in config order
 * @param table  the host-and-path lookup the proxy uses
 */
public record PolicyModel(ProxyConfig config, List<PolicyRoute> routes, RouteTable<PolicyRoute> table) {

    public PolicyModel {
        Objects.requireNonNull(config, "config");
        routes = List.copyOf(routes);
        Objects.requireNonNull(table, "table");
    }

    /** Reads, validates and compiles a config file; every error is in the exception. */
    public static PolicyModel read(Path file) throws ConfigException {
        return compile(new ConfigReader().read(file));
    }

    /** Compiles an already validated config. */
    public static PolicyModel compile(ProxyConfig config) {
        List<PolicyRoute> routes = new ArrayList<>();
        for (RouteConfig r : config.routes()) {
            routes.add(new PolicyRoute(RoutePolicy.compile(r, config), everyRuleEnforced(r), r));
        }
        return new PolicyModel(config, routes, RouteTable.build(routes, PolicyRoute::host, PolicyRoute::pattern));
    }

    /** The route's entries with {@code mode: audit} ones enforced too, each in its own position. */
    private static AccessPolicy everyRuleEnforced(RouteConfig r) {
        return r.isPublic() ? AccessPolicy.publicRoute()
                : AccessPolicy.compile(enforced(r.allow()), enforced(r.deny()));
    }

    private static List<RuleConfig> enforced(List<RuleConfig> rules) {
        return rules.stream().map(c -> new RuleConfig(c.methods(), c.groupsAny(), c.groupsAll(), c.scopesAny(),
                c.scopesAll(), c.claims(), c.location(), false)).toList();
    }

    /** The issuer whose exact {@code iss} this is, as the authenticator picks it. */
    public Optional<IssuerConfig> issuerByIss(String iss) {
        return config.issuers().stream().filter(i -> i.issuer().equals(iss)).findFirst();
    }

    /** The issuer with this configured id. */
    public Optional<IssuerConfig> issuerById(String id) {
        return config.issuers().stream().filter(i -> i.id().equals(id)).findFirst();
    }

    /** Names of the claims some rule asks about: the claims the proxy keeps in an identity. */
    public Set<String> ruleClaims() {
        return RoutePolicy.ruleClaims(config.routes());
    }

    /** The route with this id. */
    public Optional<PolicyRoute> route(String id) {
        return routes.stream().filter(r -> r.id().equals(id)).findFirst();
    }
}
