package dev.portcullis.fleet;

import dev.portcullis.config.ConfigReader;
import dev.portcullis.it.RecordingUpstream;
import dev.portcullis.server.Portcullis;
import dev.portcullis.shared.RedisServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import no.nav.security.mock.oauth2.MockOAuth2Server;

/**
 * A fleet on loopback, as in production but in one JVM: one Redis (Debian's redis-server), one OIDC
 * issuer ({@code mock-oauth2-server}, with a client for browser sign-in), one recording upstream, N real
 * Portcullis instances with the same config ({@code shared_state.redis} with one key prefix and session
 * keys, one {@code sessions.key_file} for the sign-in cookie, one {@code identity_assertion} key, HAProxy
 * trusted as a proxy), each on its own fixed ports, and
 * HAProxy in front of them, round robin, health-checking each on {@code /readyz}. An instance can be
 * drained (as on SIGTERM) and started again on the same ports while the load goes on.
 *
 * <p>Redis calls may take 1 s here (200 ms by default), as in {@code FleetSessionsIT}: every instance
 * lives in the test JVM, so one pause of that JVM (a collection, a busy CI machine) stalls all of them
 * at once, and a call it outlasts would count as Redis failing. An instance whose call fails does what
 * it must without Redis (a session refresh goes ahead on its own), which is not what these tests are
 * about; {@code RedisFaultIT} stops Redis itself for that.
 */
public final class Fleet implements AutoCloseable {
    public static final String AUDIENCE = "api://portcullis";
    public static final String KEY_PREFIX = "fleet:";

    /** Routes: {@code /orders/**} for bearer tokens (orders-readers), {@code /app/**} for browser sessions. */
    private static final String CONFIG = """
            listen: 127.0.0.1:%PORT%
            admin: { listen: 127.0.0.1:%ADMIN% }
            server: { key_wait_timeout: 2s }
            upstream_defaults: { connect_timeout: 1s, response_timeout: 5s }
            shutdown: { drain_delay: 1s, timeout: 5s }
            trusted_proxies: [127.0.0.1/32]
            issuers:
              - id: mock
                issuer: %ISSUER%
                audiences: [api://portcullis]
                clock_skew: 5s
                max_token_lifetime: 2h
                client: { client_id: portcullis, client_secret_file: %DIR%/client-secret }
            routes:
              - id: orders
                match: { path: /orders/** }
                upstream: %UPSTREAM%
                allow: [ { methods: [GET, HEAD], groups_any: [orders-readers] } ]
              - id: app
                match: { path: /app/** }
                upstream: %UPSTREAM%
                login: browser
                allow: [ { groups_any: [engineering] } ]
            sessions: { key_file: %DIR%/sign-in-key }
            identity_assertion: { key_files: [%DIR%/assertion-key.pem] }
            shared_state:
              redis:
                uri: %REDIS%
                key_prefix: "fleet:"
                session_keys_files: [%DIR%/session-key-1]
                timeout: 1s
            """;

    /** One instance: its name in HAProxy, its fixed ports, its config, and the running proxy (null while down). */
    public static final class Instance {
        public final String name;
        public final int port;
        public final int adminPort;
        final String configText;
        volatile Portcullis proxy;
        /**
         * The admin client of this run of the instance: a new one at each start, so that no request goes out
         * on a keep-alive connection pooled to the run that was drained.
         */
        volatile HttpClient admin;

        Instance(String name, int port, int adminPort, String configText) {
            this.name = name;
            this.port = port;
            this.adminPort = adminPort;
            this.configText = configText;
        }

        public Portcullis proxy() {
            return proxy;
        }
    }

    public final RedisServer redis;
    public final MockOAuth2Server issuer = new MockOAuth2Server();
    public final RecordingUpstream upstream;
    public final Path dir;
    private final List<Instance> instances = new ArrayList<>();
    private Haproxy haproxy;

    private Fleet(Path dir) throws Exception {
        this.dir = dir;
        Haproxy.requireInstalled();
        redis = RedisServer.start();
        issuer.start();
        upstream = new RecordingUpstream();
    }

    /** Starts the fleet of {@code n} instances with {@code extraYaml} appended to their config. */
    public static Fleet start(int n, String extraYaml) throws Exception {
        Path dir = Files.createTempDirectory("portcullis-fleet-");
        Fleet f = new Fleet(dir);
        try {
            f.writeSecrets();
            List<Haproxy.Backend> backends = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int port = Haproxy.freePort();
                int admin = Haproxy.freePort();
                String text = CONFIG.replace("%PORT%", Integer.toString(port))
                        .replace("%ADMIN%", Integer.toString(admin)).replace("%DIR%", dir.toString())
                        .replace("%ISSUER%", f.issuer.issuerUrl("default").toString())
                        .replace("%UPSTREAM%", f.upstream.url()).replace("%REDIS%", f.redis.uri()) + extraYaml;
                Instance in = new Instance("p" + i, port, admin, text);
                f.instances.add(in);
                f.startInstance(in);
                backends.add(new Haproxy.Backend(in.name, port, admin));
            }
            f.haproxy = Haproxy.start(backends);
            for (Instance in : f.instances) {
                f.haproxy.awaitState(in.name, "UP");
            }
            return f;
        } catch (Exception | AssertionError e) {
            f.close();
            throw e;
        }
    }

    private void writeSecrets() throws Exception {
        Files.writeString(dir.resolve("client-secret"), "fleet-client-secret\n");
        byte[] sessionKey = new byte[32];
        new SecureRandom().nextBytes(sessionKey);
        Files.write(dir.resolve("session-key-1"), sessionKey);
        byte[] signInKey = new byte[32]; // the sign-in cookie's: a callback may land on any instance
        new SecureRandom().nextBytes(signInKey);
        Files.write(dir.resolve("sign-in-key"), signInKey);
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        Files.writeString(dir.resolve("assertion-key.pem"), "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(g.generateKeyPair().getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
    }

    private void startInstance(Instance in) throws Exception {
        in.admin = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2)).build();
        in.proxy = Portcullis.start(new ConfigReader().read(in.name + ".yaml", in.configText), in.configText);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        String last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = admin(in, "/readyz");
                if (r.statusCode() == 200) {
                    return;
                }
                last = r.body();
            } catch (java.io.IOException notYet) {
                last = notYet.toString();
            }
            Thread.sleep(50);
        }
        throw new AssertionError(in.name + " not ready within 15 s: " + last);
    }

    /**
     * Drains instance {@code i} as SIGTERM does ({@link Portcullis#shutdown()}: {@code /readyz} 503, the
     * drain delay, requests in flight finish), starts it again on the same ports with the same config, and
     * returns once HAProxy holds it UP again.
     */
    public void drainAndRestart(int i) throws Exception {
        Instance in = instances.get(i);
        Portcullis old = in.proxy;
        in.proxy = null;
        old.shutdown();
        startInstance(in);
        haproxy.awaitState(in.name, "UP");
    }

    public List<Instance> instances() {
        return List.copyOf(instances);
    }

    public Instance instance(int i) {
        return instances.get(i);
    }

    public Haproxy haproxy() {
        return haproxy;
    }

    /** HAProxy's URL: where clients send their requests. */
    public String url() {
        return haproxy.url();
    }

    /** A token from the issuer with the given groups, valid for 5 minutes. */
    public String token(String subject, List<String> groups) {
        return issuer.issueToken("default", subject, AUDIENCE, Map.of("groups", groups), 300).serialize();
    }

    /** A GET on instance {@code in}'s admin listener. */
    public HttpResponse<String> admin(Instance in, String path) throws Exception {
        return in.admin.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + in.adminPort + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The text of instance {@code i}'s {@code /metrics}. */
    public String metrics(int i) throws Exception {
        return admin(instances.get(i), "/metrics").body();
    }

    @Override
    public void close() {
        if (haproxy != null) {
            haproxy.close();
        }
        for (Instance in : instances) {
            if (in.proxy != null) {
                in.proxy.close();
            }
        }
        try {
            upstream.close();
        } catch (java.io.IOException ignored) {
            // the test is over
        }
        issuer.shutdown();
        redis.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temp directory left behind
        }
    }
}
