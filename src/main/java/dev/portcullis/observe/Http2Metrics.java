package dev.portcullis.observe;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * HTTP/2 on the client listener: {@code portcullis_http2_connections} (open now),
 * {@code portcullis_http2_streams_total} (streams that became requests; each is also counted with
 * every request in {@code portcullis_requests_total}) and {@code portcullis_http2_goaway_total{reason}}:
 * why the proxy sent GOAWAY: a bound the client tripped ({@code rapid_reset}, {@code control_flood},
 * {@code control_queue}, {@code empty_frames}, {@code continuation_flood}, {@code header_list_too_large}),
 * another connection error by its HTTP/2 code ({@code protocol_error}…), or its own doing
 * ({@code drain}, {@code idle}, {@code max_streams}).
 */
public final class Http2Metrics {
    private final Gauge connections;
    private final Counter streams;
    private final Counter goaway;

    Http2Metrics(PrometheusRegistry registry) {
        connections = Gauge.builder().name("portcullis_http2_connections")
                .help("HTTP/2 client connections open now").register(registry);
        streams = Counter.builder().name("portcullis_http2_streams")
                .help("HTTP/2 streams opened by clients").register(registry);
        goaway = Counter.builder().name("portcullis_http2_goaway")
                .help("GOAWAY frames the proxy sent to clients, by reason").labelNames("reason").register(registry);
    }

    public void opened() {
        connections.inc();
    }

    public void closed() {
        connections.dec();
    }

    public void stream() {
        streams.inc();
    }

    public void goaway(String reason) {
        goaway.labelValues(reason).inc();
    }
}
