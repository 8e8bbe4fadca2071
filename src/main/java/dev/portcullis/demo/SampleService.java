package dev.portcullis.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;

/**
 * A tiny upstream on 127.0.0.1 that answers every request with 200 and a JSON echo of what it
 * received: {@code service}, {@code method}, {@code path} (raw path and query), {@code identity}
 * (the {@code X-Auth-Subject}, {@code X-Auth-Groups} and {@code X-Auth-Email} headers, null when
 * absent), {@code headers} (lower-case names; repeated headers joined with {@code ", "}) and
 * {@code body_bytes}. It also keeps the last {@value #KEEP} requests for tests ({@link #received()}).
 * Started with {@link #startPage}, it answers with an HTML page instead ({@link AppPage}): who is
 * signed in, the headers received, and a sign-out form, for the demo's browser route.
 */
public final class SampleService implements AutoCloseable {
    static final int KEEP = 256;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Deque<ReceivedRequest> received = new ArrayDeque<>();
    private final boolean page;

    private SampleService(String name, HttpServer server, boolean page) {
        this.name = name;
        this.page = page;
        this.server = server;
        this.executor = Exchanges.executor("sample-" + name);
        server.setExecutor(executor);
        server.createContext("/", this::echo);
    }

    /** Starts on 127.0.0.1 and {@code port} (0 = ephemeral). */
    public static SampleService start(String name, int port) {
        Objects.requireNonNull(name, "name");
        SampleService service = new SampleService(name, Exchanges.bind(port), false);
        service.server.start();
        return service;
    }

    /** Starts on 127.0.0.1 and {@code port} (0 = ephemeral), answering with the {@link AppPage} HTML page. */
    public static SampleService startPage(String name, int port) {
        Objects.requireNonNull(name, "name");
        SampleService service = new SampleService(name, Exchanges.bind(port), true);
        service.server.start();
        return service;
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://" + Exchanges.LOOPBACK + ":" + port();
    }

    /** The requests received so far (at most the last {@value #KEEP}), oldest first. */
    public List<ReceivedRequest> received() {
        synchronized (received) {
            return List.copyOf(received);
        }
    }

    /** Forgets the requests received so far. */
    public void clearReceived() {
        synchronized (received) {
            received.clear();
        }
    }

    private void echo(HttpExchange exchange) throws IOException {
        try (exchange) {
            long bodyBytes;
            try (InputStream in = exchange.getRequestBody()) {
                bodyBytes = in.transferTo(OutputStream.nullOutputStream());
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((n, v) -> headers.computeIfAbsent(n.toLowerCase(Locale.ROOT),
                    k -> new ArrayList<>()).addAll(v));
            String query = exchange.getRequestURI().getRawQuery();
            String path = exchange.getRequestURI().getRawPath() + (query == null ? "" : "?" + query);
            ReceivedRequest request = new ReceivedRequest(exchange.getRequestMethod(), path, headers, bodyBytes);
            record(request);
            if (page) {
                Exchanges.send(exchange, AppPage.render(name, request));
                return;
            }
            byte[] body = JSON.writeValueAsBytes(describe(request));
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            boolean head = "HEAD".equals(request.method());
            exchange.sendResponseHeaders(200, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }

    private void record(ReceivedRequest request) {
        synchronized (received) {
            if (received.size() == KEEP) {
                received.removeFirst();
            }
            received.addLast(request);
        }
    }

    private Map<String, Object> describe(ReceivedRequest request) {
        Map<String, Object> identity = new LinkedHashMap<>();
        identity.put("subject", request.header("X-Auth-Subject"));
        identity.put("groups", request.header("X-Auth-Groups"));
        identity.put("email", request.header("X-Auth-Email"));
        Map<String, Object> headers = new LinkedHashMap<>();
        request.headers().keySet().forEach(n -> headers.put(n, request.header(n)));
        Map<String, Object> echo = new LinkedHashMap<>();
        echo.put("service", name);
        echo.put("method", request.method());
        echo.put("path", request.path());
        echo.put("identity", identity);
        echo.put("headers", headers);
        echo.put("body_bytes", request.bodyBytes());
        return echo;
    }

    /** Stops listening at once and stops the worker threads. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
