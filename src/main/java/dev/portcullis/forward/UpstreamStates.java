package dev.portcullis.forward;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@link UpstreamHealth} of each route's upstreams, outside any snapshot, by route id and
 * upstream key: a reload that keeps a route's upstream keeps what is known of it (failures,
 * ejection, health-check verdict, requests in flight); one it drops is forgotten.
 */
public final class UpstreamStates {
    private final ConcurrentHashMap<String, UpstreamHealth> states = new ConcurrentHashMap<>();

    /** The state of {@code upstreamKey} on route {@code routeId}, created on first use. Load time. */
    public UpstreamHealth of(String routeId, String upstreamKey) {
        return states.computeIfAbsent(id(routeId, upstreamKey), k -> new UpstreamHealth());
    }

    /** Forgets every state whose id ({@link #id}) is not in {@code live}. */
    public void retain(Set<String> live) {
        states.keySet().retainAll(live);
    }

    public static String id(String routeId, String upstreamKey) {
        return routeId + "\n" + upstreamKey;
    }

    int size() {
        return states.size();
    }
}
