package dev.portcullis.observe;

import dev.portcullis.config.TracingConfig;
import dev.portcullis.forward.TraceContext;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Exports one SERVER span per request with OpenTelemetry (OTLP/HTTP, batched, off the request
 * path) when {@code tracing.otlp_endpoint} is set; when it is not, none of this exists and
 * requests pay nothing. The span has exactly the ids that went upstream in {@code traceparent},
 * so the service's spans hang under it.
 */
public final class Tracing implements AutoCloseable {
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<String> CLIENT = AttributeKey.stringKey("client.address");
    private static final AttributeKey<String> SUBJECT = AttributeKey.stringKey("enduser.id");
    private static final AttributeKey<String> DECISION = AttributeKey.stringKey("portcullis.decision");
    private static final AttributeKey<String> REASON = AttributeKey.stringKey("portcullis.reason");
    private static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey("portcullis.request_id");

    /** The ids the next span must have: ours, already sent upstream. Set and used on one thread. */
    private static final ThreadLocal<TraceContext> NEXT = new ThreadLocal<>();

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final double sampleRatio;

    private Tracing(TracingConfig c) {
        IdGenerator ids = new IdGenerator() {
            @Override
            public String generateSpanId() {
                return NEXT.get().spanId();
            }

            @Override
            public String generateTraceId() {
                return NEXT.get().traceId();
            }
        };
        this.provider = SdkTracerProvider.builder().setIdGenerator(ids)
                .setResource(Resource.getDefault().merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), c.serviceName()))))
                .addSpanProcessor(BatchSpanProcessor.builder(OtlpHttpSpanExporter.builder()
                        .setEndpoint(c.otlpEndpoint()).build())
                        .setScheduleDelay(c.exportDelay().toMillis(), TimeUnit.MILLISECONDS).build())
                .build();
        this.tracer = provider.get("dev.portcullis");
        this.sampleRatio = c.sampleRatio();
    }

    /** The tracer for a config, or null when export is off. */
    public static Tracing start(TracingConfig c) {
        return c.otlpEndpoint() == null ? null : new Tracing(c);
    }

    /** Whether a trace Portcullis starts is sampled. */
    public boolean sampleNew() {
        return sampleRatio >= 1 || ThreadLocalRandom.current().nextDouble() < sampleRatio;
    }

    /** Records the request's span (only for sampled traces). */
    public void record(TraceContext t, AuditEvent e, long startEpochNanos, long endEpochNanos) {
        if (t == null || !t.sampled()) {
            return;
        }
        Context parent = Context.root();
        if (t.parentSpanId() != null) {
            parent = parent.with(Span.wrap(SpanContext.createFromRemoteParent(t.traceId(), t.parentSpanId(),
                    TraceFlags.getSampled(), TraceState.getDefault())));
        }
        NEXT.set(t);
        try {
            SpanBuilder builder = tracer.spanBuilder(e.routeId() == null ? e.method() : e.method() + " " + e.routeId())
                    .setParent(parent).setSpanKind(SpanKind.SERVER)
                    .setStartTimestamp(startEpochNanos, TimeUnit.NANOSECONDS)
                    .setAttribute(METHOD, e.method()).setAttribute(PATH, e.path())
                    .setAttribute(STATUS, (long) e.status()).setAttribute(CLIENT, e.client())
                    .setAttribute(DECISION, AuditLog.decision(e.reason())).setAttribute(REASON, e.reason().code())
                    .setAttribute(REQUEST_ID, e.requestId());
            if (t.linkedTraceId() != null) {
                // Only a link: the client is not a trusted source, so its context is not our parent.
                builder.addLink(SpanContext.createFromRemoteParent(t.linkedTraceId(), t.linkedSpanId(),
                        TraceFlags.getDefault(), TraceState.getDefault()));
            }
            Span span = builder.startSpan();
            if (e.routeId() != null) {
                span.setAttribute(ROUTE, e.routeId());
            }
            if (e.identity() != null) {
                span.setAttribute(SUBJECT, e.identity().subject());
            }
            if (e.status() >= 500) {
                span.setStatus(StatusCode.ERROR);
            }
            span.end(endEpochNanos, TimeUnit.NANOSECONDS);
        } finally {
            NEXT.remove();
        }
    }

    @Override
    public void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
