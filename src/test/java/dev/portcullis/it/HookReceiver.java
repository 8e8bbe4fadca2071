package dev.portcullis.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in Event Hook receiver on loopback that keeps every request exactly as received (method,
 * headers, body), answers Okta's verification GET with {@code {"verification": <challenge>}}, and
 * answers each POST with {@link #postStatus} once {@link #hold} (if set) is released.
 */
final class HookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One request as received; header names lower-cased. */
    record Request(String method, Map<String, List<String>> headers, String body) {
        String header(String name) {
            List<String> v = headers.get(name.toLowerCase(java.util.Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }
    }

    final List<Request> received = new CopyOnWriteArrayList<>();
    volatile int postStatus = 204;
    volatile CountDownLatch hold;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "hook-receiver");
        t.setDaemon(true);
        return t;
    });

    HookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/.portcullis/okta/events");
    }

    private void handle(HttpExchange ex) throws IOException {
        Map<String, List<String>> headers = new java.util.TreeMap<>();
        ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), List.copyOf(v)));
        String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Request r = new Request(ex.getRequestMethod(), headers, body);
        received.add(r);
        try {
            if (r.method().equals("GET")) {
                byte[] out = JSON.writeValueAsBytes(Map.of("verification",
                        String.valueOf(r.header("X-Okta-Verification-Challenge"))));
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, out.length);
                ex.getResponseBody().write(out);
                return;
            }
            CountDownLatch h = hold;
            if (h != null) {
                h.await(30, TimeUnit.SECONDS);
            }
            ex.sendResponseHeaders(postStatus, -1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            ex.close();
        }
    }

    List<Request> posts() {
        return received.stream().filter(r -> r.method().equals("POST")).toList();
    }

    /** Waits (generously) until {@code n} POSTs have arrived. */
    void awaitPosts(int n) throws InterruptedException {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (posts().size() < n && System.nanoTime() < end) {
            Thread.sleep(20);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
