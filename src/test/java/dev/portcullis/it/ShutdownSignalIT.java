package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.portcullis.it.RecordingUpstream.Behaviour;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Black box: {@code portcullis run} in a JVM of its own, stopped by a real SIGTERM
 * ({@link Process#destroy()}) while slow requests are in flight. Each of them gets its whole
 * response and its audit line, {@code /readyz} says 503 {@code draining} meanwhile, a request that
 * outlives {@code shutdown.timeout} is cut with an audit line {@code shutdown}, and the process
 * exits 0.
 */
class ShutdownSignalIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("listening on 127\\.0\\.0\\.1:(\\d+) \\(admin 127\\.0\\.0\\.1:(\\d+)\\)");

    @TempDir
    Path dir;

    @Test
    void sigtermDrainsInFlightRequestsAndExitsZero() throws Exception {
        try (RecordingUpstream slow = new RecordingUpstream(); RecordingUpstream stuck = new RecordingUpstream()) {
            slow.behave(new Behaviour(200, "{\"slow\":\"done\"}", 1500, false));
            stuck.behave(new Behaviour(200, "{\"stuck\":\"done\"}", 30_000, false));
            Path config = dir.resolve("portcullis.yaml");
            Files.writeString(config, """
                    listen: 127.0.0.1:0
                    admin: { listen: 127.0.0.1:0 }
                    upstream_defaults: { response_timeout: 60s }
                    shutdown: { drain_delay: 1s, timeout: 3s }
                    routes:
                      - { id: slow, match: { path: /slow/** }, upstream: %s, public: true }
                      - { id: stuck, match: { path: /stuck/** }, upstream: %s, public: true }
                    """.formatted(slow.url(), stuck.url()));
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx128m", "-cp", System.getProperty("java.class.path"), "dev.portcullis.cli.Main",
                    "run", "--config", config.toString())
                    .redirectOutput(dir.resolve("stdout").toFile()).redirectError(dir.resolve("stderr").toFile())
                    .start();
            try {
                int[] ports = awaitPorts(dir.resolve("stderr"));
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                List<CompletableFuture<HttpResponse<String>>> slowOnes = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    slowOnes.add(http.sendAsync(get(ports[0], "/slow/" + i), HttpResponse.BodyHandlers.ofString()));
                }
                CompletableFuture<HttpResponse<String>> stuckOne = http.sendAsync(get(ports[0], "/stuck/1"),
                        HttpResponse.BodyHandlers.ofString());
                for (int i = 0; i < 3; i++) {
                    assertThat(slow.take()).as("slow request %d reached the upstream", i).isNotNull();
                }
                assertThat(stuck.take()).isNotNull();

                p.destroy(); // SIGTERM

                HttpResponse<String> ready = awaitReadyz(http, ports[1]);
                assertThat(ready.statusCode()).isEqualTo(503);
                assertThat(JSON.readTree(ready.body()).path("status").asText()).isEqualTo("draining");
                for (CompletableFuture<HttpResponse<String>> f : slowOnes) {
                    HttpResponse<String> r = f.get(20, TimeUnit.SECONDS);
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("{\"slow\":\"done\"}");
                }
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("exited").isTrue();
                List<String> out = Files.readAllLines(dir.resolve("stdout"));
                List<String> err = Files.readAllLines(dir.resolve("stderr"));
                assertThat(p.exitValue()).as("exit code; stderr: %s", err).isZero();
                assertThat(stuckOne.handle((r, e) -> r == null ? -1 : r.statusCode()).get(5, TimeUnit.SECONDS))
                        .as("the stuck request was not answered by the upstream").isNotEqualTo(200);

                List<JsonNode> audit = auditLines(out);
                for (int i = 0; i < 3; i++) {
                    String path = "/slow/" + i;
                    assertThat(audit).as("audit of %s in %s; stderr: %s", path, out, err).anySatisfy(l -> {
                        assertThat(l.path("path").asText()).isEqualTo(path);
                        assertThat(l.path("reason").asText()).isEqualTo("public_route");
                        assertThat(l.path("status").asInt()).isEqualTo(200);
                    });
                }
                assertThat(audit).as("audit of the cut request in %s", out).anySatisfy(l -> {
                    assertThat(l.path("path").asText()).isEqualTo("/stuck/1");
                    assertThat(l.path("reason").asText()).isEqualTo("shutdown");
                });
            } finally {
                p.destroyForcibly();
            }
        }
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20)).build();
    }

    /** /readyz once it is no longer 200 (the signal has been taken), within 10 s. */
    private static HttpResponse<String> awaitReadyz(HttpClient http, int adminPort) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        HttpResponse<String> r;
        do {
            r = http.send(get(adminPort, "/readyz"), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                return r;
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        return r;
    }

    private static int[] awaitPorts(Path stderr) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(Files.readString(stderr));
            if (m.find()) {
                return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the proxy did not start within 30 s: " + Files.readString(stderr));
    }

    private static List<JsonNode> auditLines(List<String> out) throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : out) {
            if (line.startsWith("{")) {
                lines.add(JSON.readTree(line));
            }
        }
        return lines;
    }
}
