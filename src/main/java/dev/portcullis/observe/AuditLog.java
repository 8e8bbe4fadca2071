package dev.portcullis.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.portcullis.vocab.Reason;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Queue;
import org.jctools.queues.MpscArrayQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON line per decision to the {@code portcullis.audit} logger, from its own thread.
 * The request path only offers an event to a bounded queue; when the queue is full the event is
 * dropped and counted, and the count is itself written as soon as there is room.
 */
public final class AuditLog implements AutoCloseable {
    /** The audit log's logger: {@code cli.LogbackSetup} sends it to stdout, alone (README, Running it). */
    public static final String LOGGER = "portcullis.audit";
    private static final Logger audit = LoggerFactory.getLogger(LOGGER);
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    /** How long the writer sleeps when there is nothing to write. Producers never wake it. */
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int BATCH = 512;

    private final Queue<AuditEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Metrics metrics;
    private final JsonFactory json = new JsonFactory();
    private final Thread writer;
    private volatile boolean running = true;

    public AuditLog(int capacity, Metrics metrics) {
        // Lock-free, bounded, many producers (event loops), one consumer (the writer): JCTools'
        // MpscArrayQueue, the queue Netty shades behind its internal PlatformDependent.newFixedMpscQueue.
        this.queue = new MpscArrayQueue<>(capacity);
        this.metrics = metrics;
        this.writer = new Thread(this::drain, "portcullis-audit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Hands an event to the writer; never blocks, takes no lock, wakes no thread. */
    public void record(AuditEvent event) {
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    /**
     * The writer loop: formats whatever has queued up and writes it as one block (one write
     * call per batch, not per line), then sleeps briefly when the queue is empty.
     */
    private void drain() {
        StringWriter line = new StringWriter(512);
        StringBuilder block = new StringBuilder(64 * 1024);
        while (running || !queue.isEmpty()) {
            try {
                AuditEvent e;
                int n = 0;
                while (n < BATCH && (e = queue.poll()) != null) {
                    line.getBuffer().setLength(0);
                    write(e, line);
                    if (n > 0) {
                        block.append('\n');
                    }
                    block.append(line.getBuffer());
                    n++;
                }
                if (n > 0) {
                    audit.info(block.toString());
                    block.setLength(0);
                } else {
                    reportDropped();
                    LockSupport.parkNanos(IDLE_PARK_NANOS);
                }
            } catch (IOException | RuntimeException ex) {
                log.error("audit writer failed on a batch; continuing", ex);
                block.setLength(0);
            }
        }
        reportDropped();
    }

    private void reportDropped() {
        long n = dropped.getAndSet(0);
        if (n > 0) {
            metrics.auditDropped(n);
            audit.warn("{\"event\":\"audit_dropped\",\"count\":" + n + "}");
        }
    }

    /** allow: the policy let it through; deny: refused (4xx); error: the proxy or upstream failed (5xx). */
    static String decision(AuditEvent e) {
        return decision(e.reason());
    }

    static String decision(Reason r) {
        return r.decision();
    }

    void write(AuditEvent e, StringWriter out) throws IOException {
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("ts", Instant.ofEpochMilli(e.timestampMillis()).toString());
            g.writeStringField("event", "decision");
            g.writeStringField("request_id", e.requestId());
            g.writeStringField("decision", decision(e));
            g.writeStringField("reason", e.reason().code());
            g.writeStringField("route", e.routeId());
            g.writeStringField("method", e.method());
            g.writeStringField("path", e.path());
            g.writeNumberField("status", e.status());
            g.writeNumberField("duration_us", e.durationMicros());
            g.writeStringField("client", e.client());
            if (e.upstream() != null) {
                g.writeStringField("upstream", e.upstream());
            }
            if (e.retried()) {
                g.writeBooleanField("retried", true);
            }
            if (e.traceId() != null) {
                g.writeStringField("trace_id", e.traceId());
            }
            if (e.wouldReason() != null) {
                g.writeStringField("would_decision", decision(e.wouldReason()));
                g.writeStringField("would_reason", e.wouldReason().code());
            }
            if (e.directoryEvent() != null) {
                g.writeStringField("directory_event", e.directoryEvent());
            }
            if (e.credential() != null) {
                g.writeStringField("credential", e.credential());
            }
            if (e.sessionEvent() != null) {
                g.writeStringField("session_event", e.sessionEvent());
            }
            if (e.grpcStatus() != null) {
                g.writeNumberField("grpc_status", e.grpcStatus());
            }
            if (e.tunnel() != null) {
                g.writeStringField("tunnel_end", e.tunnel().reason());
                g.writeNumberField("tunnel_bytes_in", e.tunnel().bytesFromClient());
                g.writeNumberField("tunnel_bytes_out", e.tunnel().bytesToClient());
                g.writeNumberField("tunnel_duration_ms", e.tunnel().durationMillis());
            }
            if (e.identity() != null) {
                g.writeStringField("issuer", e.identity().issuerId());
                g.writeStringField("subject", e.identity().subject());
                if (e.identity().tokenId() != null) {
                    g.writeStringField("jti", e.identity().tokenId());
                }
                if (e.identity().clientId() != null) {
                    g.writeStringField("cid", e.identity().clientId());
                }
            }
            g.writeEndObject();
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(writer);
        try {
            writer.join(10_000); // what is queued is written out before the process exits
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
