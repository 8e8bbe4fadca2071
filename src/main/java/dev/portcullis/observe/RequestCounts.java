package dev.portcullis.observe;

import dev.portcullis.vocab.Reason;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;

/**
 * One route's series of {@code portcullis_requests_total}: by method class, decision, reason and
 * the class of the status answered. A series is resolved (a label lookup) the first time its
 * combination occurs, then kept: counting a request is two array reads and an add. Only the
 * combinations that occur are created, and most reasons have one status class only (the proxy's
 * own answers); an allowed request has as many as its upstream answers with.
 */
final class RequestCounts {
    static final String[] METHOD_CLASSES = {"read", "write", "other"};
    /** By {@link #statusClass}: a status outside 100–599 (an upstream may send one) is {@code other}. */
    static final String[] STATUS_CLASSES = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};

    private final Counter requests;
    private final String routeId;
    // Benign races, as in the other handle caches: labelValues returns the same handle for the
    // same labels, so a lost write costs a second lookup, never a count. A handle read through a
    // racy array slot is still seen whole (its state is in final fields).
    private volatile CounterDataPoint[][] byReasonAndMethod;

    RequestCounts(Counter requests, String routeId) {
        this.requests = requests;
        this.routeId = routeId;
    }

    /** @param methodClass 0 read, 1 write, 2 other; @param status the status answered (or audited, when cut) */
    void inc(Reason reason, int methodClass, int status) {
        CounterDataPoint[][] table = byReasonAndMethod;
        if (table == null) {
            table = new CounterDataPoint[Reason.values().length * METHOD_CLASSES.length][];
            byReasonAndMethod = table;
        }
        int i = reason.ordinal() * METHOD_CLASSES.length + methodClass;
        CounterDataPoint[] byStatus = table[i];
        if (byStatus == null) {
            byStatus = new CounterDataPoint[STATUS_CLASSES.length];
            table[i] = byStatus;
        }
        int s = statusClass(status);
        CounterDataPoint p = byStatus[s];
        if (p == null) {
            p = requests.labelValues(routeId, METHOD_CLASSES[methodClass], decision(reason), reason.code(),
                    STATUS_CLASSES[s]);
            byStatus[s] = p;
        }
        p.inc();
    }

    /** The index of {@code status}'s class in {@link #STATUS_CLASSES}: 1 to 5 for 1xx to 5xx, else 0. */
    static int statusClass(int status) {
        return status >= 100 && status <= 599 ? status / 100 : 0;
    }

    /** {@code allow} for a forwarded request, {@code error} for a failure of the proxy or its upstream, else {@code deny}. */
    static String decision(Reason r) {
        return r.decision();
    }
}
