package dev.portcullis.server;

import dev.portcullis.authn.HttpKeyFetcher;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.authn.KeyFetcher;
import dev.portcullis.compile.PolicyCompiler;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.ShutdownConfig;
import dev.portcullis.compile.Snapshot;
import dev.portcullis.detect.Detection;
import dev.portcullis.membership.DirectoryEvents;
import dev.portcullis.membership.EventApplier;
import dev.portcullis.membership.EventQueue;
import dev.portcullis.directory.Directory;
import dev.portcullis.observe.AuditLog;
import dev.portcullis.forward.AssertionKeys;
import dev.portcullis.observe.Metrics;
import dev.portcullis.observe.OktaEventMetrics;
import dev.portcullis.observe.Tracing;
import dev.portcullis.route.RouteSlots;
import dev.portcullis.forward.UpstreamStates;
import dev.portcullis.observe.UpstreamMetrics;
import io.netty.channel.EventLoopGroup;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Portcullis: key sources, the compiled policy, the proxy listener and the admin
 * listener. Start-up does not wait for keys: requests that need them wait (bounded), and
 * {@code /readyz} says when every issuer's keys are in.
 */
public final class Portcullis implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Portcullis.class);

    private final Metrics metrics = new Metrics().withJvmMetrics();
    private final AuditLog audit;
    private final ScheduledExecutorService keyScheduler;
    private final ExecutorService keyIo;
    private final KeyRegistry keys;
    private final Tracing tracing;
    private final ConfigReloader reloader;
    private final AssertionKeys assertionKeys;
    private final Transport transport;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final EventLoopGroup adminGroup;
    /** The Okta Users API client, or null without {@code okta.org_url} and credentials. */
    private final Directory directory;
    private final Gate gate;
    private final ProxyServer proxy;
    private final AdminServer admin;
    private final HealthChecks healthChecks;
    /** The Event Hook receiver's queue to the membership overlay, or null when there is none. */
    private volatile EventQueue directoryEvents;
    /** The membership overlay, or null when the config does not turn it on. */
    private final MembershipSetup membership;
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    /** Compiles a config into a snapshot with the running process's metrics and assertion keys. */
    interface Compiler {
        Snapshot compile(ProxyConfig config, Map<String, IssuerKeys> keys, String hash);
    }

    private Portcullis(ProxyConfig config, CompletableFuture<String> cryptoProbe, String hash, Path watchFile,
            Clock clock, EventApplier applier) throws InterruptedException, javax.net.ssl.SSLException {
        long t0 = System.nanoTime();
        transport = Transport.start(config.server().transport());
        // Read before anything is started, so that a missing or weak token stops start-up cleanly.
        String adminToken = config.admin().tokenFile() == null ? null
                : MembershipSetup.readToken(config.admin().tokenFile());
        OktaHook.checkSecret(config);
        directory = DirectorySetup.start(config, metrics, clock); // before the rest: a credentials file it cannot read stops start-up
        audit = new AuditLog(config.audit().queueCapacity(), metrics);
        tracing = Tracing.start(config.tracing());
        keyScheduler = Executors.newSingleThreadScheduledExecutor(daemon("portcullis-keys"));
        keyIo = Executors.newFixedThreadPool(2, daemon("portcullis-keys-io"));
        KeyFetcher fetcher = new HttpKeyFetcher(keyIo, Duration.ofSeconds(5));
        keys = new KeyRegistry(fetcher, keyScheduler, clock, metrics, CryptoProviders.start(config.server().cryptoProvider(), cryptoProbe));
        KeyRegistry.Prepared initialKeys = keys.prepare(config.issuers());
        keys.commit(initialKeys);
        assertionKeys = AssertionKeyWatch.keys(config.identityAssertion(), clock, keyScheduler, keys.crypto().signing());
        UpstreamStates upstreamStates = new UpstreamStates();
        PolicyCompiler policyCompiler = new PolicyCompiler(metrics, clock, new RouteSlots(), upstreamStates);
        if (directory != null) {
            policyCompiler.withDirectory(directory.groups());
        }
        Compiler compiler = (c, k, h) -> policyCompiler.compile(c, k, assertionKeys, h);
        Snapshot snapshot = compiler.compile(config, initialKeys.keys(), hash);
        metrics.configLoaded(hash, true);
        gate = new Gate(snapshot, audit, metrics, transport, tracing);
        gate.directory(directory);
        AssertionKeyWatch.watch(assertionKeys, gate, keyScheduler);
        gate.publishDetection(Detection.start(config.detection(), metrics.intrusionListener()));
        metrics.blockedSources(() -> gate.detection().blockedSources(System.currentTimeMillis()));
        membership = SessionSetup.start(config, adminToken, metrics, gate, keyScheduler, clock, SessionSetup.UNWIRED);
        SignInSetup.start(config, gate, keyScheduler, keyIo, clock); // browser sign-in; its token client refreshes sessions
        reloader = watchFile == null ? null
                : new ConfigReloader(watchFile, hash, config, compiler, gate, keys, Duration.ofSeconds(1));
        int threads = config.server().ioThreads() > 0 ? config.server().ioThreads()
                : Runtime.getRuntime().availableProcessors();
        boss = transport.group(1, "portcullis-accept");
        workers = transport.group(threads, "portcullis-io");
        adminGroup = transport.group(1, "portcullis-admin");
        healthChecks = new HealthChecks(workers, transport.clientChannel(), upstreamStates);
        OktaEventMetrics oktaMetrics = new OktaEventMetrics(metrics.registry(),
                () -> directoryEvents == null ? 0 : directoryEvents.queued());
        // Okta's deliveries go, de-duplicated and in order, to the membership overlay (which the
        // event hook turns on), or to the applier a caller passes in instead.
        EventApplier target = applier != null ? applier
                : config.okta().eventHook() == null || membership == null ? null
                : DirectorySetup.applier(membership.applier(), directory);
        directoryEvents = target == null ? null : EventQueue.forConfig(config, target, oktaMetrics);
        OktaHook hook = new OktaHook(directoryEvents, oktaMetrics);
        hook.published(snapshot, true);
        gate.oktaHook(hook);
        gate.onPublish(s -> {
            healthChecks.published(s);
            hook.published(s, false);
        });
        healthChecks.published(snapshot);
        metrics.upstreams().upSource(upstreamsUp(gate));
        TlsReloader tls = config.tls() == null ? null
                : new TlsReloader(config.tls(), config.server().http2().enabled(), keyScheduler);
        ProxyServer boundProxy = null;
        try {
            boundProxy = ProxyServer.bind(config.listen(), config.server(), tls, gate, transport, boss, workers);
            admin = AdminServer.bind(config.admin(), gate, keys::all, assertionKeys,
                    reloader == null ? () -> null : reloader::status, transport, adminGroup,
                    membership == null ? null : membership.revocations());
        } catch (RuntimeException | InterruptedException e) {
            // An address in use: release what was started, so that a caller in the same JVM
            // (the demo, a test) is not left with threads and key fetches running.
            if (boundProxy != null) {
                boundProxy.close();
            }
            close();
            throw e;
        }
        proxy = boundProxy;
        log.info("portcullis listening on {}:{} (admin {}:{}), {} routes, {} issuers, transport {}, crypto {},"
                + " {} io threads, started in {} ms ({} ms since the process was launched)", config.listen().host(), proxy.port(),
                config.admin().listen().host(), admin.port(), snapshot.routeList().size(), config.issuers().size(),
                transport.name(), keys.crypto().name(), threads, (System.nanoTime() - t0) / 1_000_000, sinceLaunchMillis());
    }

    /** Time since the JVM was created (its own start-up included). */
    private static long sinceLaunchMillis() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    }

    /** Starts with a config given as text (tests, the demo): no file to watch. */
    public static Portcullis start(ProxyConfig config, String configText)
            throws InterruptedException, javax.net.ssl.SSLException {
        return start(config, configText, null);
    }

    /**
     * The same, with what applies the directory events the Okta Event Hook receiver takes (the
     * membership overlay); null for none, which a config with {@code okta.event_hook} refuses.
     */
    public static Portcullis start(ProxyConfig config, String configText, EventApplier applier)
            throws InterruptedException, javax.net.ssl.SSLException {
        return new Portcullis(config, CryptoProviders.probe(config.server().cryptoProvider()), sha256(configText), null, Clock.systemUTC(), applier);
    }

    /** Starts from a config file and reloads it when it (or an included file) changes. */
    public static Portcullis startWatching(Path file, ProxyConfig config)
            throws InterruptedException, javax.net.ssl.SSLException {
        return startWatching(file, config, null);
    }

    /** The same, with what applies directory events (see {@link #start(ProxyConfig, String, EventApplier)}). */
    public static Portcullis startWatching(Path file, ProxyConfig config, EventApplier applier)
            throws InterruptedException, javax.net.ssl.SSLException {
        return new Portcullis(config, CryptoProviders.probe(config.server().cryptoProvider()), ConfigReloader.hashOf(config.files()), file, Clock.systemUTC(), applier);
    }

    /** Where directory events go (the Event Hook receiver's queue), or null when nothing applies them. */
    public DirectoryEvents directoryEvents() {
        return directoryEvents;
    }

    /** Forces a reload (SIGHUP); completes with whether the new config went live. */
    public CompletableFuture<Boolean> reload() {
        return reloader == null ? CompletableFuture.completedFuture(false) : reloader.reloadNow();
    }

    public int port() {
        return proxy.port();
    }

    public int adminPort() {
        return admin.port();
    }

    public Gate gate() {
        return gate;
    }

    /**
     * Where directory events (the Okta Event Hook's queue) are applied to the membership overlay,
     * one at a time; null when the config does not turn the overlay on.
     */
    public dev.portcullis.membership.EventApplier membershipApplier() {
        return membership == null ? null : membership.applier();
    }

    /**
     * Stops gracefully, as SIGTERM and SIGINT do: drains the client connections as the current
     * config's {@code shutdown} section says (see {@link Drain}), then {@link #close}s, the audit
     * log written out. Returns when it is all over.
     */
    public void shutdown() {
        ShutdownConfig s = gate.snapshot().config().shutdown();
        try {
            gate.drain().run(s.drainDelay(), s.timeout(), proxy::close);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            close();
        }
    }

    /** Cuts a {@link #shutdown} short (a second signal): what is still open is cut at once. */
    public void hurry() {
        gate.drain().hurry();
    }

    /** Stops at once: open connections are closed; nothing is drained. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        if (reloader != null) {
            reloader.close();
        }
        if (proxy != null) { // null when start-up failed at binding
            proxy.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (healthChecks != null) {
            healthChecks.close();
        }
        keys.closeAll();
        keyScheduler.shutdownNow();
        keyIo.shutdownNow();
        if (directory != null) {
            directory.close();
        }
        boss.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        adminGroup.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS);
        audit.close();
        if (tracing != null) {
            tracing.close();
        }
        gate.closeState();
        if (directoryEvents != null) {
            directoryEvents.close();
        }
    }

    /** {@code portcullis_upstream_up}: the published snapshot's upstreams, read at each scrape. */
    private static UpstreamMetrics.UpSource upstreamsUp(Gate gate) {
        return sink -> gate.snapshot().routeList().forEach(r -> r.target().upstreamSet().members().forEach(m ->
                sink.up(r.id(), m.label(), r.target().upstreamSet().inRotation(m))));
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
