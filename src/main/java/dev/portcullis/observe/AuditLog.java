package dev.portcullis.observe;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one JSON line per decision to the {@code portcullis.audit} logger, from its own thread.
 * The request path only offers an event to a bounded queue; when the queue is full the event is
 * dropped and counted, and the count is itself written as soon as there is room.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger audit = LoggerFactory.getLogger("portcullis.audit");
    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    private final BlockingQueue<AuditEvent> queue;
    private final AtomicLong dropped = new AtomicLong();
    private final Metrics metrics;
    private final JsonFactory json = new JsonFactory();
    private final Thread writer;
    private volatile boolean running = true;

    public AuditLog(int capacity, Metrics metrics) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.metrics = metrics;
        this.writer = new Thread(this::drain, "portcullis-audit");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** Hands an event to the writer; never blocks. */
    public void record(AuditEvent event) {
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    private void drain() {
        List<AuditEvent> batch = new ArrayList<>(256);
        StringWriter buffer = new StringWriter(512);
        while (running || !queue.isEmpty()) {
            try {
                AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    reportDropped();
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 255);
                for (AuditEvent e : batch) {
                    buffer.getBuffer().setLength(0);
                    write(e, buffer);
                    audit.info(buffer.toString());
                }
                batch.clear();
                reportDropped();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (IOException | RuntimeException e) {
                log.error("audit writer failed on a line; continuing", e);
                batch.clear();
            }
        }
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
        if (e.reason().allowed()) {
            return "allow";
        }
        return e.reason().status() >= 500 ? "error" : "deny";
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
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
