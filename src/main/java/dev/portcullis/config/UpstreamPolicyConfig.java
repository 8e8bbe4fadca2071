package dev.portcullis.config;

/**
 * How a route spreads its requests over its upstreams and copes with one that fails: the route
 * keys {@code load_balancing}, {@code retry}, {@code outlier_detection} and {@code health_check}. A
 * null member was not written; {@link #orElse} takes it from {@code upstream_defaults}.
 *
 * @param leastRequest {@code load_balancing: least_request} (true) or {@code round_robin} (false)
 * @param retry        {@code retry: once} (true) or {@code never} (false)
 * @param outlier      passive ejection
 * @param healthCheck  active health checks, or null when the route has none (never inherited)
 */
public record UpstreamPolicyConfig(Boolean leastRequest, Boolean retry, OutlierConfig outlier,
        HealthCheckConfig healthCheck) {

    /** Round-robin, one retry, ejection after 5 failures in a row for 30 s to 5 min, at most half out. */
    public static UpstreamPolicyConfig defaults() {
        return new UpstreamPolicyConfig(false, true, OutlierConfig.defaults(), null);
    }

    /** Nothing said: everything from {@code upstream_defaults}. */
    public static UpstreamPolicyConfig unset() {
        return new UpstreamPolicyConfig(null, null, null, null);
    }

    /** This one with what it does not say taken from {@code d} (whose members are all set). */
    public UpstreamPolicyConfig orElse(UpstreamPolicyConfig d) {
        return new UpstreamPolicyConfig(leastRequest != null ? leastRequest : d.leastRequest(),
                retry != null ? retry : d.retry(), outlier != null ? outlier.orElse(d.outlier()) : d.outlier(),
                healthCheck);
    }
}
