package dev.portcullis.fleet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A steady, time-bounded load through a load balancer: a few threads, each on its own keep-alive
 * HTTP/1.1 client, paced to a total rate; every request's outcome is recorded, and anything but the
 * expected status (another status, an I/O error, a timeout) is a failure kept with its details.
 * {@link #stop()} ends it and returns the result.
 */
public final class Load implements AutoCloseable {
    /** One request that did not get the expected status: when, what, and what came back instead. */
    public record Failure(long atMillis, String path, int status, String error) {
        @Override
        public String toString() {
            return "+" + atMillis + "ms " + path + " -> " + (error != null ? error : status);
        }
    }

    /** What a run did: the requests sent and those that failed. */
    public record Result(long requests, List<Failure> failures, Duration took) {
        public Result {
            failures = List.copyOf(failures);
        }

        /** A line for the assertion message: counts and the first failures. */
        public String summary() {
            return requests + " requests in " + took.toMillis() + " ms, " + failures.size() + " failed"
                    + (failures.isEmpty() ? "" : ": " + failures.subList(0, Math.min(10, failures.size())));
        }
    }

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sent = new AtomicLong();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private final long maxNanos;

    private Load(Duration max) {
        this.maxNanos = max.toNanos();
    }

    /**
     * Starts {@code threads} threads sending GETs to {@code baseUrl + path.apply(n)} with the bearer token,
     * {@code perSecond} requests a second in total, for at most {@code max} (a bound on a stuck test).
     */
    public static Load start(String baseUrl, IntFunction<String> path, String token, int expectedStatus,
            int threads, int perSecond, Duration max) {
        Load load = new Load(max);
        long periodNanos = TimeUnit.SECONDS.toNanos(1) * threads / perSecond;
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread th = new Thread(() -> load.run(baseUrl, path, token, expectedStatus, id, threads, periodNanos),
                    "fleet-load-" + t);
            th.setDaemon(true);
            load.threads.add(th);
            th.start();
        }
        return load;
    }

    private void run(String baseUrl, IntFunction<String> path, String token, int expected, int id, int count,
            long period) {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        long next = System.nanoTime() + period * id / count;
        for (int n = id; running.get() && System.nanoTime() - startNanos < maxNanos; n += count) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                sleepNanos(wait);
            }
            next += period;
            String p = path.apply(n);
            sent.incrementAndGet();
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(baseUrl + p))
                        .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != expected) {
                    failures.add(new Failure(sinceStart(), p, r.statusCode(), null));
                }
            } catch (java.io.IOException e) {
                failures.add(new Failure(sinceStart(), p, 0, e.toString()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private long sinceStart() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** Requests sent so far. */
    public long sent() {
        return sent.get();
    }

    /** Waits until {@code more} further requests were sent (up to 20 s): the load is flowing. */
    public void awaitMore(long more) throws InterruptedException {
        long target = sent.get() + more;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (sent.get() < target && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    /** Stops the threads (each finishes the request it is in) and returns what happened. */
    public Result stop() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(15));
        }
        return new Result(sent.get(), new ArrayList<>(failures), Duration.ofNanos(System.nanoTime() - startNanos));
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
