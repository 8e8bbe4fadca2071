package dev.portcullis.cli;

import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.demo.DevIssuer;
import dev.portcullis.demo.SampleService;
import dev.portcullis.server.Portcullis;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/**
 * The training run of the class-data (AppCDS) archive: what {@code portcullis run} loads from
 * launch to its first answers, in one bounded process that needs nothing but loopback. It starts
 * the dev issuer and a sample service on ephemeral ports, writes a config file and starts the proxy
 * from it as {@code run} does, sends a refused (401, 403), an allowed (200) and the admin requests,
 * then drains and exits. Run under {@code -XX:DumpLoadedClassList=FILE.classlist} (the launcher does
 * that for {@code portcullis cds-train}, Maven at {@code package}), the JVM lists every class it
 * loaded, which {@code java -Xshare:dump} then archives in FILE; this writes {@code FILE.key}: the
 * Java and the jar the archive is for, which the launcher compares before it passes
 * {@code -XX:SharedArchiveFile}. (Under {@code -XX:ArchiveClassesAtExit=FILE}, the JVM's own archive
 * at exit, it writes the same key; Java 17 leaves picocli's Java 5 class files out of that one.) A
 * wrong answer is a failure (exit 1), and a run that hangs is cut after {@value #LIMIT_SECONDS} s:
 * neither is dumped.
 */
@Command(name = "cds-train", hidden = true,
        description = "Exercise start-up and the first requests, for the class-data archive (see README, Start-up).")
final class CdsTrainCommand implements Callable<Integer> {
    static final int LIMIT_SECONDS = 60;

    @Override
    public Integer call() throws Exception {
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep(LIMIT_SECONDS * 1000L);
                System.err.println("portcullis cds-train: not done after " + LIMIT_SECONDS + " s; stopping");
                Runtime.getRuntime().halt(1); // halt: no archive from a run that did not finish
            } catch (InterruptedException e) {
                // done in time
            }
        }, "portcullis-cds-train-limit");
        watchdog.setDaemon(true);
        watchdog.start();
        Path dir = Files.createTempDirectory("portcullis-cds-train-");
        try (DevIssuer issuer = DevIssuer.start(0); SampleService orders = SampleService.start("orders", 0)) {
            Path file = Files.writeString(dir.resolve("portcullis.yaml"), config(issuer, orders));
            ProxyConfig config = new ConfigReader().read(file);
            Portcullis proxy = Portcullis.startWatching(file, config);
            try {
                exercise(proxy, issuer);
            } finally {
                proxy.shutdown();
            }
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
        writeKey();
        watchdog.interrupt();
        return 0;
    }

    private static String config(DevIssuer issuer, SampleService orders) {
        return "listen: 127.0.0.1:0\n"
                + "admin: { listen: 127.0.0.1:0 }\n"
                + "shutdown: { drain_delay: 0s, timeout: 1s }\n"
                + "issuers:\n"
                + "  - { id: dev, issuer: " + issuer.issuer() + ", audiences: [" + DevIssuer.AUDIENCE + "] }\n"
                + "routes:\n"
                + "  - id: orders\n"
                + "    match: { path: /orders/** }\n"
                + "    upstream: " + orders.baseUrl() + "\n"
                + "    allow: [ { groups_any: [orders-readers] } ]\n";
    }

    /** The first answers of each kind, as a starting proxy gives them; a wrong one fails the run. */
    private static void exercise(Portcullis proxy, DevIssuer issuer) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String orders = "http://127.0.0.1:" + proxy.port() + "/orders/1";
        String admin = "http://127.0.0.1:" + proxy.adminPort();
        expect(client, orders, null, 401);
        expect(client, orders, issuer.mint("alice"), 200);
        expect(client, orders, issuer.mint("carol"), 403);
        expect(client, admin + "/healthz", null, 200);
        expect(client, admin + "/readyz", null, 200);
        expect(client, admin + "/metrics", null, 200);
    }

    private static void expect(HttpClient client, String url, String token, int status)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        int got = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (got != status) {
            throw new StartupFailure("cds-train: " + url + " answered " + got + ", expected " + status, null);
        }
    }

    /**
     * {@code FILE.key} beside the archive this run is for: {@code -XX:DumpLoadedClassList=FILE.classlist}
     * or {@code -XX:ArchiveClassesAtExit=FILE}. It says the Java and the jar it is for.
     */
    private static void writeKey() throws IOException {
        com.sun.management.HotSpotDiagnosticMXBean vm =
                ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
        String archive = archiveOf(vm.getVMOption("DumpLoadedClassList").getValue(),
                vm.getVMOption("ArchiveClassesAtExit").getValue());
        if (archive == null) {
            System.err.println("portcullis cds-train: neither -XX:DumpLoadedClassList=FILE.classlist nor"
                    + " -XX:ArchiveClassesAtExit=FILE, so no archive is made from this run");
            return;
        }
        String jar = Path.of(System.getProperty("java.class.path")).toAbsolutePath().toString();
        Files.writeString(Path.of(archive + ".key"), "# the Java and the jar the class-data archive "
                + Path.of(archive).getFileName() + " is for (portcullis cds-train; the launcher compares them)\n"
                + "java.version=" + System.getProperty("java.version") + "\n"
                + "jar=" + jar + "\n", StandardCharsets.UTF_8);
    }

    /** The archive a class list {@code FILE.classlist} is for, else the one written at exit; null for neither. */
    static String archiveOf(String classList, String atExit) {
        if (classList != null && classList.endsWith(".classlist") && classList.length() > ".classlist".length()) {
            return classList.substring(0, classList.length() - ".classlist".length());
        }
        return atExit == null || atExit.isEmpty() ? null : atExit;
    }
}
