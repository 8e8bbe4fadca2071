package dev.portcullis.detect;

import dev.portcullis.config.DetectionConfig;
import java.net.InetAddress;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where intrusion events go: counted at once (through the {@link IntrusionListener}), then handed
 * to a bounded queue; one daemon thread formats each as a JSON line with
 * {@code "event":"intrusion_suspected"} on the {@code portcullis.audit} logger (at WARN) and
 * passes the same JSON to the {@link AlertWebhook}, if there is one. {@link #raise} never
 * blocks and never formats: when the queue is full the event's line is dropped and counted.
 */
public final class IntrusionEvents implements AutoCloseable {
    private static final Logger audit = LoggerFactory.getLogger("portcullis.audit");
    private static final Logger log = LoggerFactory.getLogger(IntrusionEvents.class);
    /** Events are rare (one per source per window at most); this absorbs a burst of many sources. */
    static final int QUEUE_CAPACITY = 4096;

    private final BlockingQueue<IntrusionEvent> queue;
    private final IntrusionJson json;
    private final AlertWebhook webhook;
    private final IntrusionListener listener;
    private final Thread writer;
    private volatile boolean running = true;

    /**
     * @param proxy    the name of this proxy in events (e.g. the host name)
     * @param webhook  where events are also POSTed, or null; closed with this
     * @param listener counts events and outcomes
     */
    public IntrusionEvents(int capacity, String proxy, AlertWebhook webhook, IntrusionListener listener) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.json = new IntrusionJson(Objects.requireNonNull(proxy, "proxy"));
        this.webhook = webhook;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.writer = new Thread(this::drain, "portcullis-intrusion");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    /** The sink for a detection config: a webhook when {@code webhook.url} is set. */
    public static IntrusionEvents create(DetectionConfig config, IntrusionListener listener) {
        AlertWebhook webhook = config.webhook().url() == null ? null : new AlertWebhook(config.webhook(), listener);
        return new IntrusionEvents(QUEUE_CAPACITY, proxyName(), webhook, listener);
    }

    /** Counts the event and hands it to the writer. Never blocks; cheap enough for an event loop. */
    public void raise(IntrusionEvent event) {
        listener.eventRaised(event);
        if (!queue.offer(event)) {
            listener.logDropped();
        }
    }

    private void drain() {
        while (running || !queue.isEmpty()) {
            try {
                IntrusionEvent e = queue.poll(200, TimeUnit.MILLISECONDS);
                if (e == null) {
                    continue;
                }
                String line = json.format(e);
                audit.warn(line);
                if (webhook != null) {
                    webhook.submit(line);
                }
            } catch (InterruptedException ie) {
                running = false;
            } catch (RuntimeException ex) {
                log.error("intrusion event writer failed on an event; continuing", ex);
            }
        }
    }

    /** Writes what is queued (up to two seconds), then stops the writer and the webhook. */
    @Override
    public void close() {
        running = false;
        try {
            writer.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (webhook != null) {
            webhook.close();
        }
    }

    /** This host's name, or {@code HOSTNAME}, or "portcullis". Looked up once, at start. */
    static String proxyName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "portcullis";
        }
    }
}
