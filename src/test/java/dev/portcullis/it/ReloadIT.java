package dev.portcullis.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hot reload of a live proxy: edits under load, broken edits, forced reloads, new issuers. */
class ReloadIT {
    private static final String CONFIG = """
            listen: 127.0.0.1:0
            admin: { listen: 127.0.0.1:0 }
            issuers:
              - { id: mock, issuer: %ISSUER%, audiences: [api://portcullis] }
            routes:
              - id: orders
                match: { path: /orders/** }
                upstream: %UPSTREAM%
                allow: [ { groups_any: [orders-readers] } ]
              - id: reports
                match: { path: /reports/** }
                upstream: %UPSTREAM%
                allow: [ { groups_any: [finance] } ]
            """;

    @TempDir
    Path dir;
    Harness h;
    Path file;

    @BeforeEach
    void start() throws Exception {
        h = new Harness();
        file = dir.resolve("portcullis.yaml");
        h.startWatching(file, CONFIG);
    }

    @AfterEach
    void stop() throws Exception {
        h.close();
    }

    private int status(String path, String token) throws Exception {
        return h.get(path, token).statusCode();
    }

    /** Polls until {@code path} answers {@code expected}; returns how long that took, or fails after 5 s. */
    private long awaitStatus(String path, String token, int expected) throws Exception {
        long t0 = System.nanoTime();
        while (System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5)) {
            if (status(path, token) == expected) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            }
            Thread.sleep(25);
        }
        throw new AssertionError(path + " did not answer " + expected + " within 5 s");
    }

    @Test
    void anEditUnderLoadDropsNoRequestAndTakesEffectWithinTwoSeconds() throws Exception {
        String reader = h.token("alice", List.of("orders-readers", "analysts"));
        assertThat(status("/reports/q3", reader)).isEqualTo(403);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong ok = new AtomicLong();
        Map<String, Long> failures = new ConcurrentHashMap<>();
        ExecutorService load = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 4; i++) {
            load.execute(() -> {
                while (running.get()) {
                    try {
                        HttpResponse<String> r = h.get("/orders/1", reader);
                        if (r.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.merge("status " + r.statusCode(), 1L, Long::sum);
                        }
                    } catch (Exception e) {
                        failures.merge(e.getClass().getSimpleName(), 1L, Long::sum);
                    }
                }
            });
        }
        Thread.sleep(500);
        long edited = System.currentTimeMillis();
        Files.writeString(file, h.fill(CONFIG.replace("groups_any: [finance]", "groups_any: [finance, analysts]")));
        awaitStatus("/reports/q3", reader, 200);
        // The proxy's own time, from the edit to the new policy compiled and live (its loaded_at_ms):
        // the probe's round trips under load are the test's latency, not the reload's.
        long tookMillis = loadedAtMillis() - edited;
        Thread.sleep(500);
        running.set(false);
        load.shutdown();
        assertThat(load.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(tookMillis).as("new decision within 2 s of the edit").isLessThan(2000);
        assertThat(failures).as("requests under load during the reload").isEmpty();
        assertThat(ok.get()).isGreaterThan(20);
        String counted = "portcullis_config_reloads_total 1.0";
        assertThat(h.metricsOnce(counted)).contains(counted);
    }

    @Test
    void aBrokenEditChangesNothingAndIsReported() throws Exception {
        String reader = h.token("alice", List.of("orders-readers"));
        String before = h.admin("/readyz").body();
        // replaced whole (as editors save), so no poll can read it half-written and count a second failure
        Path next = dir.resolve("next.yaml");
        Files.writeString(next, h.fill(CONFIG.replace("groups_any: [orders-readers]", "groups_any: []")
                .replace("id: reports", "id: reports\n    unknown_key: 1")));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        long t0 = System.nanoTime();
        while (!h.metrics().contains("portcullis_config_reload_failures_total 1.0")) {
            assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.SECONDS.toNanos(5));
            Thread.sleep(50);
        }
        assertThat(status("/orders/1", reader)).isEqualTo(200);
        HttpResponse<String> ready = h.admin("/readyz");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).contains("last_reload_error").contains("portcullis.yaml:9")
                .contains("unknown key 'unknown_key'").contains("\"reload_failures\":1");
        assertThat(sha(ready.body())).isEqualTo(sha(before));

        // and the next good edit goes live again (the status is updated just after the swap)
        Files.writeString(file, h.fill(CONFIG.replace("groups_any: [orders-readers]", "groups_any: [nobody]")));
        awaitStatus("/orders/1", reader, 403);
        long t1 = System.nanoTime();
        while (!h.admin("/readyz").body().contains("\"last_reload_error\":null")) {
            assertThat(System.nanoTime() - t1).as("last_reload_error cleared").isLessThan(TimeUnit.SECONDS.toNanos(5));
            Thread.sleep(50);
        }
    }

    @Test
    void aForcedReloadPicksUpTheFileAndAnIssuerAddedByAReloadHasItsKeysBeforeItGoesLive() throws Exception {
        String second = h.issuer.issuerUrl("second").toString();
        String token = h.token("second", "bob", "api://portcullis", Map.of("groups", List.of("finance")), 300);
        assertThat(status("/reports/x", token)).isEqualTo(401);
        String next = CONFIG.replace("issuers:\n", "issuers:\n  - { id: second, issuer: " + second
                + ", audiences: [api://portcullis] }\n");
        Files.writeString(file, h.fill(next));
        assertThat(h.proxy().reload().get(15, TimeUnit.SECONDS)).isTrue();
        // live means usable: the very first request after the swap verifies with the new issuer's keys
        assertThat(status("/reports/x", token)).isEqualTo(200);
        assertThat(h.admin("/readyz").body()).contains("\"second\":{\"keys_loaded\":true");
    }

    @Test
    void requestsInFlightFinishUnderThePolicyTheyStartedWith() throws Exception {
        h.upstream.behave(new RecordingUpstream.Behaviour(200, "{\"slow\":true}", 1500, false));
        String reader = h.token("alice", List.of("orders-readers"));
        var inFlight = h.http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port() + "/orders/1"))
                .header("Authorization", "Bearer " + reader).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(h.upstream.take()).as("the request was judged and forwarded before the edit").isNotNull();
        Files.writeString(file, h.fill(CONFIG.replace("groups_any: [orders-readers]", "groups_any: [nobody]")));
        assertThat(h.proxy().reload().get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(inFlight.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        h.upstream.behave(RecordingUpstream.Behaviour.ok());
        assertThat(status("/orders/1", reader)).isEqualTo(403);
    }

    /**
     * A file rewritten in place, slowly (a line every 10 ms for about two seconds, as a tool
     * streaming a generated file might): every moment of the write is a shorter document, and
     * while its trailing {@code deny:} block is still to come, a valid one that lets a suspended
     * caller in. None of them may go live: no request of that caller is allowed, no partial
     * document is loaded (or refused as invalid), and the finished file is loaded once.
     */
    @Test
    void aFileRewrittenInPlaceNeverGoesLiveHalfWritten() throws Exception {
        String denied = CONFIG + "    deny: [ { groups_any: [suspended] } ]\n";
        Path next = dir.resolve("next.yaml");
        Files.writeString(next, h.fill(denied));
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        String suspended = h.token("sam", List.of("finance", "suspended"));
        awaitStatus("/reports/q3", suspended, 403);
        assertThat(h.metricsOnce("portcullis_config_reloads_total 1.0")).contains("portcullis_config_reloads_total 1.0");

        StringBuilder padding = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            padding.append("    # reviewed by the finance team, line ").append(i).append('\n');
        }
        String rewritten = h.fill(denied.replace("    deny:", padding + "    deny:"));
        AtomicBoolean writing = new AtomicBoolean(true);
        Map<Integer, Long> seen = new ConcurrentHashMap<>();
        ExecutorService probe = Executors.newSingleThreadExecutor();
        probe.execute(() -> {
            while (writing.get()) {
                try {
                    seen.merge(status("/reports/q3", suspended), 1L, Long::sum);
                } catch (Exception e) {
                    seen.merge(-1, 1L, Long::sum);
                }
            }
        });
        try (var out = Files.newOutputStream(file, java.nio.file.StandardOpenOption.TRUNCATE_EXISTING)) {
            for (String line : rewritten.split("(?<=\n)")) {
                out.write(line.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
                Thread.sleep(10);
            }
        }
        String counted = "portcullis_config_reloads_total 2.0";
        String metrics = h.metricsOnce(counted);
        writing.set(false);
        probe.shutdown();
        assertThat(probe.awaitTermination(10, TimeUnit.SECONDS)).isTrue();

        assertThat(seen).as("answers to the suspended caller while the file was written")
                .doesNotContainKey(200).containsKey(403);
        assertThat(metrics).as("the finished file, loaded once").contains(counted)
                .doesNotContain("portcullis_config_reload_failures_total 1.0");
        assertThat(sha(h.admin("/readyz").body())).contains(sha256(file.toString(), Files.readAllBytes(file)));
        assertThat(status("/reports/q3", suspended)).isEqualTo(403);
    }

    /** The config hash of a one-file config, as {@code portcullis_config_info{sha256}} shows it. */
    private static String sha256(String name, byte[] content) throws Exception {
        var md = java.security.MessageDigest.getInstance("SHA-256");
        md.update(name.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        md.update((byte) 0);
        md.update(content);
        md.update((byte) 0);
        return java.util.HexFormat.of().formatHex(md.digest());
    }

    /** {@code config.loaded_at_ms} from /readyz: when the running config was compiled. */
    private long loadedAtMillis() throws Exception {
        return new ObjectMapper().readTree(h.admin("/readyz").body()).path("config").path("loaded_at_ms").asLong();
    }

    private static String sha(String readyz) {
        int i = readyz.indexOf("\"sha256\":\"");
        return readyz.substring(i, i + 80);
    }
}
