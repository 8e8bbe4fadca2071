package dev.portcullis.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * WebSocket tunnels: {@code portcullis_websocket_tunnels{route}} (open now) and
 * {@code portcullis_websocket_closed_total{route,reason}} (how they ended, the reasons of {@link TunnelEnd}).
 * The upgrades themselves are counted with every request, in {@code portcullis_requests_total}.
 */
public final class WebSocketMetrics {
    private final Gauge open;
    private final Counter closed;

    WebSocketMetrics(PrometheusRegistry registry) {
        open = Gauge.builder().name("portcullis_websocket_tunnels")
                .help("WebSocket tunnels open now, by route").labelNames("route").register(registry);
        closed = Counter.builder().name("portcullis_websocket_closed")
                .help("WebSocket tunnels ended, by route and reason").labelNames("route", "reason").register(registry);
    }

    public void opened(String route) {
        open.labelValues(route).inc();
    }

    public void closed(String route, String reason) {
        open.labelValues(route).dec();
        closed.labelValues(route, reason).inc();
    }
}
