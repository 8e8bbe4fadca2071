package dev.portcullis.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.portcullis.compile.Route;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.forward.UpstreamSet;

/**
 * The {@code upstreams} part of {@code /readyz}: by route, each upstream's state. Information only:
 * a dead upstream never makes the proxy unready, since taking the proxy out of its load balancer
 * would take every other route (and the other upstreams of the same route) out with it.
 */
final class UpstreamReport {
    private UpstreamReport() {
    }

    static void addTo(ObjectNode body, Snapshot s) {
        ObjectNode routes = body.putObject("upstreams");
        for (Route r : s.routeList()) {
            UpstreamSet set = r.target().upstreamSet();
            ObjectNode route = routes.putObject(r.id());
            for (UpstreamSet.Member m : set.members()) {
                ObjectNode n = route.putObject(m.label());
                n.put("up", set.inRotation(m));
                n.put("ejected", set.ejected(m));
                n.put("consecutive_failures", m.health().consecutiveFailures());
                n.put("in_flight", m.health().inFlight());
                if (r.target().healthCheck() != null) {
                    n.put("health_check", m.health().checkDown() ? "failing" : "passing");
                }
            }
        }
    }
}
