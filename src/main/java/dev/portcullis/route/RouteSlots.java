package dev.portcullis.route;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The in-flight counts of routes, by route id, kept outside the snapshot: every compile hands a
 * route the counter its id had before, so requests admitted under the previous snapshot still
 * count against the new route's {@code max_concurrent_requests} and a reload never doubles a cap.
 *
 * <p>Counters are kept for every id ever configured, even after a reload drops the route: a
 * request may still hold (or be about to take) a slot through the old route, and the id may come
 * back. That bounds the registry by the number of ids ever configured, a few bytes each.
 */
public final class RouteSlots {
    private final ConcurrentHashMap<String, InFlight> byId = new ConcurrentHashMap<>();

    /** The counter of this route id: the same object for the same id, across compiles. Load time only. */
    public InFlight of(String routeId) {
        return byId.computeIfAbsent(routeId, id -> new InFlight());
    }

    /** Requests in flight on one route id, whichever snapshot admitted them. */
    public static final class InFlight {
        private final AtomicInteger count = new AtomicInteger();

        InFlight() {
        }

        /** Takes a slot unless {@code max} are taken already; {@code max} is at least 1. */
        public boolean tryAcquire(int max) {
            if (count.incrementAndGet() > max) {
                count.decrementAndGet();
                return false;
            }
            return true;
        }

        public void release() {
            count.decrementAndGet();
        }

        /** Slots taken now. */
        public int count() {
            return count.get();
        }
    }
}
