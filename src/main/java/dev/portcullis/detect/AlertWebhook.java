package dev.portcullis.detect;

import dev.portcullis.config.DetectionConfig.WebhookConfig;
import dev.portcullis.detect.IntrusionListener.AlertOutcome;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs intrusion events as JSON to the configured URL, one delivery at a time, in order.
 * A delivery is retried with exponential back-off (initial, doubled, capped) on connect errors,
 * timeouts, 5xx, 408 and 429 — up to {@code max_attempts}; any other answer ends it. Events
 * waiting for delivery sit in a bounded queue; when it is full an event is dropped and counted.
 * Everything runs on the webhook's own threads; {@link #submit} never blocks.
 */
public final class AlertWebhook implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AlertWebhook.class);

    private final HttpRequest.Builder template;
    private final int maxAttempts;
    private final long initialBackoffMillis;
    private final long maxBackoffMillis;
    private final ArrayBlockingQueue<String> queue;
    private final AtomicBoolean busy = new AtomicBoolean();
    private final IntrusionListener listener;
    private final ExecutorService clientExecutor = Executors.newFixedThreadPool(2, daemon("portcullis-webhook-io"));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            daemon("portcullis-webhook"));
    private final HttpClient client;

    /** The config must have passed {@link DetectionChecks}; its {@code url} must be set. */
    public AlertWebhook(WebhookConfig config, IntrusionListener listener) {
        this.maxAttempts = config.maxAttempts();
        this.initialBackoffMillis = config.initialBackoff().toMillis();
        this.maxBackoffMillis = config.maxBackoff().toMillis();
        this.queue = new ArrayBlockingQueue<>(config.queueCapacity());
        this.listener = listener;
        // Never follow redirects: a redirect would carry the Authorization header elsewhere.
        // HTTP/1.1: one small POST gains nothing from HTTP/2, and h2c upgrades confuse some relays.
        this.client = HttpClient.newBuilder().executor(clientExecutor).connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
        this.template = HttpRequest.newBuilder(URI.create(config.url())).timeout(config.timeout())
                .header("Content-Type", "application/json").header("User-Agent", "portcullis");
        config.headers().forEach(template::header);
    }

    /** Queues one JSON body for delivery; drops it (counted) when the queue is full. */
    public void submit(String json) {
        if (!queue.offer(json)) {
            listener.alert(AlertOutcome.DROPPED);
            return;
        }
        next();
    }

    /** Starts the next delivery unless one is running. */
    private void next() {
        while (busy.compareAndSet(false, true)) {
            String body = queue.poll();
            if (body != null) {
                attempt(body, 1);
                return;
            }
            busy.set(false);
            if (queue.isEmpty()) {
                return; // else: queued between poll and set; loop to take it
            }
        }
    }

    private void attempt(String body, int attempt) {
        HttpRequest request = template.copy().POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .whenCompleteAsync((res, err) -> answered(body, attempt, res, err), scheduler);
        } catch (RuntimeException e) {
            log.warn("intrusion webhook: cannot send: {}", e.toString());
            finish(AlertOutcome.REJECTED);
        }
    }

    private void answered(String body, int attempt, HttpResponse<Void> res, Throwable err) {
        Throwable cause = err instanceof java.util.concurrent.CompletionException && err.getCause() != null
                ? err.getCause() : err;
        if (res != null && res.statusCode() / 100 == 2) {
            finish(AlertOutcome.DELIVERED);
            return;
        }
        boolean retryable = res != null ? retryable(res.statusCode()) : cause instanceof IOException;
        String what = res != null ? "status " + res.statusCode() : String.valueOf(cause);
        if (!retryable) {
            log.warn("intrusion webhook refused the event ({}); not retried", what);
            finish(AlertOutcome.REJECTED);
        } else if (attempt >= maxAttempts) {
            log.warn("intrusion webhook failed {} times, last: {}; event not delivered", attempt, what);
            finish(AlertOutcome.GAVE_UP);
        } else {
            long delay = backoffMillis(attempt);
            log.debug("intrusion webhook attempt {} failed ({}); retrying in {} ms", attempt, what, delay);
            scheduler.schedule(() -> attempt(body, attempt + 1), delay, TimeUnit.MILLISECONDS);
        }
    }

    private void finish(AlertOutcome outcome) {
        listener.alert(outcome);
        busy.set(false);
        next();
    }

    /** 5xx, 408 (timeout) and 429 (rate limit) may go away; the rest of 3xx/4xx will not. */
    static boolean retryable(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    /** The wait after failed attempt {@code attempt} (1-based): initial × 2^(attempt-1), capped. */
    long backoffMillis(int attempt) {
        int shift = Math.min(attempt - 1, 30);
        return Math.min(maxBackoffMillis, initialBackoffMillis << shift);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        clientExecutor.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
