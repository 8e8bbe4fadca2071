package dev.portcullis.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real HAProxy (Debian's) in front of N backends, for the fleet tests: round robin; each backend is
 * health-checked on its admin {@code /readyz} (a draining instance answers 503 and leaves the rotation
 * within a check or two); a failed connection or an empty response is retried on another backend
 * ({@code retry-on}, {@code option redispatch}: the load is GETs, safe to retry); {@code option forwardfor}
 * appends the client's address to {@code X-Forwarded-For}. A stats page in CSV tells the test which
 * backends HAProxy holds UP. Missing, it skips the test locally and fails it on CI ({@code CI} set), where
 * {@code .ci/run} installs it.
 */
public final class Haproxy implements AutoCloseable {
    public static final Path BINARY = Path.of("/usr/sbin/haproxy");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** One backend: the proxy port it serves on and the admin port its {@code /readyz} answers on. */
    public record Backend(String name, int port, int adminPort) {
    }

    private final Path dir;
    private final int port;
    private final int statsPort;
    private final Process process;

    private Haproxy(Path dir, int port, int statsPort, Process process) {
        this.dir = dir;
        this.port = port;
        this.statsPort = statsPort;
        this.process = process;
    }

    /** Starts HAProxy in the foreground ({@code -db}) on a free loopback port, in front of {@code backends}. */
    public static Haproxy start(List<Backend> backends) throws IOException {
        requireInstalled();
        Path dir = Files.createTempDirectory("portcullis-haproxy-");
        int port = freePort();
        int statsPort = freePort();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, config(port, statsPort, backends));
        Process p = new ProcessBuilder(BINARY.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        Haproxy h = new Haproxy(dir, port, statsPort, p);
        h.awaitListening();
        return h;
    }

    static void requireInstalled() {
        dev.portcullis.shared.RedisServer.requireInstalled(BINARY, "haproxy");
    }

    /** The configuration: fast health checks, retries of failed connections on another backend. */
    static String config(int port, int statsPort, List<Backend> backends) {
        StringBuilder b = new StringBuilder("""
                global
                    maxconn 2000
                defaults
                    mode http
                    timeout connect 1s
                    timeout client 30s
                    timeout server 10s
                    timeout check 1s
                    retries 3
                    option redispatch 1
                    retry-on conn-failure empty-response
                    option forwardfor
                frontend stats
                    bind 127.0.0.1:%d
                    stats enable
                    stats uri /stats
                frontend fleet
                    bind 127.0.0.1:%d
                    default_backend portcullis
                backend portcullis
                    balance roundrobin
                    option httpchk GET /readyz
                """.formatted(statsPort, port));
        for (Backend s : backends) {
            b.append("    server %s 127.0.0.1:%d check port %d inter 200ms fall 1 rise 2\n"
                    .formatted(s.name(), s.port(), s.adminPort()));
        }
        return b.toString();
    }

    public int port() {
        return port;
    }

    /** {@code http://127.0.0.1:port}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The state HAProxy holds each backend in ({@code UP}, {@code DOWN}, {@code UP 1/2}…), by name. */
    public Map<String, String> states() throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort
                + "/stats;csv")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, String> states = new HashMap<>();
        for (String line : r.body().split("\n")) {
            String[] f = line.split(",", -1);
            if (f.length > 17 && f[0].equals("portcullis") && !f[1].equals("BACKEND")) {
                states.put(f[1], f[17]); // pxname, svname, …, status
            }
        }
        return states;
    }

    /** Waits (up to 20 s) until HAProxy holds {@code backend} in the given state ({@code UP} or {@code DOWN}). */
    public void awaitState(String backend, String state) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        String seen = null;
        while (System.nanoTime() < deadline) {
            seen = states().get(backend);
            if (state.equals(seen)) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("haproxy holds " + backend + " " + seen + ", not " + state + ", after 20 s; log:\n"
                + log());
    }

    /** What HAProxy wrote (its warnings and health check transitions). */
    public String log() throws IOException {
        return Files.readString(dir.resolve("haproxy.log"));
    }

    private void awaitListening() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("haproxy exited: " + log());
                }
                sleep(50);
            }
        }
        throw new IOException("haproxy did not listen on " + port + " within 20s: " + log());
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind
        }
    }

    /** A loopback port free now (for a listener the test configures before it starts). */
    /**
     * A loopback port nothing listens on, never one handed out before in this JVM: the kernel may give
     * a just-closed port again at once, and a fleet takes several ports before anything binds them.
     */
    public static int freePort() {
        while (true) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                if (HANDED_OUT.add(s.getLocalPort())) {
                    return s.getLocalPort();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
