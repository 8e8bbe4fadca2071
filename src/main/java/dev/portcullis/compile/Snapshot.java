package dev.portcullis.compile;

import dev.portcullis.authn.Authenticator;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.forward.HeaderPolicy;
import dev.portcullis.forward.IdentityAssertions;
import dev.portcullis.observe.Metrics.RouteMetrics;
import dev.portcullis.route.RouteTable;
import java.util.List;

/**
 * Everything the request path reads, compiled from one config and never changed after. A
 * request reads the current snapshot once and uses that one to the end.
 *
 * @param config        the config it was compiled from
 * @param routes        host and path lookup
 * @param routeList     routes in config order
 * @param authenticator token verification for the configured issuers
 * @param headers       identity header names and trusted proxies
 * @param assertions    signer of identity assertions, or null when they are off
 * @param noRoute       metrics for requests that match no route
 * @param hash          SHA-256 of the config text, for the config-info gauge
 * @param loadedAtMillis when it was compiled
 */
public record Snapshot(
        ProxyConfig config,
        RouteTable<Route> routes,
        List<Route> routeList,
        Authenticator authenticator,
        HeaderPolicy headers,
        IdentityAssertions assertions,
        RouteMetrics noRoute,
        String hash,
        long loadedAtMillis) {
}
