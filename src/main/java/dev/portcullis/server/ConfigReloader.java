package dev.portcullis.server;

import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.config.ConfigException;
import dev.portcullis.config.ConfigReader;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.compile.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hot reload: watches the config file, the files it includes and their directories; on a change
 * (or SIGHUP) reads, validates and compiles the new config on its own thread, loads the keys of
 * issuers it adds, and only then publishes it with one atomic swap. Requests in flight finish
 * under the snapshot they started with. A broken config never replaces a working one: the error
 * is logged with its location, counted, and shown by {@code /readyz}.
 *
 * <p>Files are read only once they have settled ({@link SettledFiles}): the same bytes twice,
 * {@link SettledFiles#SETTLE_MILLIS} apart. A file being written in place is left alone and read
 * again at the next poll, so a half-written config (a shorter but valid document) never goes
 * live. The interval is a constant rather than a setting: it must only outlast the gaps between
 * one writer's write calls (microseconds to milliseconds), and it delays nothing but reloads.
 */
final class ConfigReloader implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);
    private static final Duration NEW_ISSUER_KEYS_WAIT = Duration.ofSeconds(10);

    /** What the last reload attempt did, for {@code /readyz}. */
    record Status(long reloads, long failures, String lastError, long lastAttemptMillis) {
    }

    private final Path file;
    private final Portcullis.Compiler compiler;
    private final Gate gate;
    private final KeyRegistry keys;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "portcullis-config");
        t.setDaemon(true);
        return t;
    });
    private Map<Path, FileTime> watched;
    private List<String> files; // of the last config that was read and validated (it may not have been applied)
    private String currentHash;
    private volatile Status status = new Status(0, 0, null, 0);
    private final SettledFiles.Pause settle;
    /** The files were still changing at the last attempt: try again at the next poll even if no stamp moved. */
    private boolean pending;

    ConfigReloader(Path file, String hash, ProxyConfig initial, Portcullis.Compiler compiler, Gate gate,
            KeyRegistry keys, Duration pollEvery) {
        this(file, hash, initial, compiler, gate, keys, pollEvery, () -> Thread.sleep(SettledFiles.SETTLE_MILLIS));
    }

    ConfigReloader(Path file, String hash, ProxyConfig initial, Portcullis.Compiler compiler, Gate gate,
            KeyRegistry keys, Duration pollEvery, SettledFiles.Pause settle) {
        this.settle = settle;
        this.file = file;
        this.currentHash = hash;
        this.compiler = compiler;
        this.gate = gate;
        this.keys = keys;
        this.watched = stamps(initial);
        this.files = initial.files();
        thread.scheduleWithFixedDelay(this::checkForChange, pollEvery.toMillis(), pollEvery.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    Status status() {
        return status;
    }

    /** Reloads now, on the reloader's thread (SIGHUP). */
    CompletableFuture<Boolean> reloadNow() {
        return CompletableFuture.supplyAsync(() -> reload(true), thread);
    }

    private void checkForChange() {
        try {
            Map<Path, FileTime> now = stamps(watchedFiles());
            if (!now.equals(watched) || pending) {
                watched = now;
                reload(false);
            }
        } catch (RuntimeException e) {
            log.error("config watcher failed; it keeps watching", e);
        }
    }

    private List<Path> watchedFiles() {
        return new ArrayList<>(watched.keySet());
    }

    private boolean reload(boolean forced) {
        long t0 = System.nanoTime();
        List<String> now = filesNow(files);
        SettledFiles settled;
        try {
            // A directory that cannot be listed any more: read the main file, which says what it includes now.
            settled = SettledFiles.read(now != null ? now : files.subList(0, 1), settle);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        if (settled == null) {
            return unsettled("is still being written");
        }
        // Byte for byte what is running (the same files, the same contents) is found without
        // parsing: a directory is watched so that new route files are seen, and anything written
        // beside the config (a log, an editor's swap file) moves its stamp too. Reading and hashing
        // costs a few milliseconds, parsing ten thousand routes a second or two of CPU.
        if (!forced && settled.names().equals(files) && settled.hash().equals(currentHash)) {
            pending = false;
            return true;
        }
        ProxyConfig next;
        try {
            next = new ConfigReader(System.getenv(), settled.source()).read(file);
        } catch (ConfigException e) {
            pending = false;
            fail("config " + file + " is invalid; keeping the running config:\n" + e.getMessage());
            return false;
        }
        if (!next.files().equals(settled.names())) {
            files = next.files();
            return unsettled("includes other route files than were read");
        }
        pending = false;
        String hash = settled.hash();
        watched = stamps(next);
        files = next.files();
        if (hash.equals(currentHash) && !forced) {
            return true;
        }
        KeyRegistry.Prepared prepared = keys.prepare(next.issuers());
        try {
            awaitKeys(prepared.newSources());
            Snapshot snapshot = compiler.compile(next, prepared.keys(), hash);
            ProxyConfig old = gate.snapshot().config();
            warnAboutRestartOnlyChanges(old, next);
            gate.publish(snapshot);
            if (!old.server().http2().equals(next.server().http2())) {
                gate.drain().goAwayHttp2("reload"); // new connections take the new limits
            }
            gate.publishDetection(gate.detection().reconfigure(next.detection()));
            keys.commit(prepared);
        } catch (RuntimeException | TimeoutException e) {
            keys.discard(prepared);
            fail("config " + file + " could not be applied; keeping the running config: " + e.getMessage());
            return false;
        }
        currentHash = hash;
        Status s = status;
        status = new Status(s.reloads() + 1, s.failures(), null, System.currentTimeMillis());
        gate.metrics().configLoaded(hash, true);
        log.info("config reloaded from {} ({} routes, {} issuers, sha256 {}) in {} ms", file, next.routes().size(),
                next.issuers().size(), hash.substring(0, 12), (System.nanoTime() - t0) / 1_000_000);
        return true;
    }

    /** Leaves the running config as it is and reads the files again at the next poll. */
    private boolean unsettled(String why) {
        if (!pending) {
            log.info("config {} {}; it is read again at the next poll", file, why);
        }
        pending = true;
        return false;
    }

    private void fail(String message) {
        Status s = status;
        status = new Status(s.reloads(), s.failures() + 1, message, System.currentTimeMillis());
        gate.metrics().configLoaded(null, false);
        log.error(message);
    }

    /** New issuers must have keys before the policy that trusts them goes live. */
    private static void awaitKeys(List<IssuerKeys> fresh) throws TimeoutException {
        long deadline = System.nanoTime() + NEW_ISSUER_KEYS_WAIT.toNanos();
        for (IssuerKeys k : fresh) {
            try {
                k.firstLoad().get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                throw new TimeoutException("keys of new issuer '" + k.issuerId() + "' did not load within "
                        + NEW_ISSUER_KEYS_WAIT.toSeconds() + "s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TimeoutException("interrupted");
            } catch (java.util.concurrent.ExecutionException e) {
                throw new TimeoutException("keys of new issuer '" + k.issuerId() + "' failed: " + e.getCause());
            }
        }
    }

    private static void warnAboutRestartOnlyChanges(ProxyConfig old, ProxyConfig next) {
        if (!old.listen().equals(next.listen()) || !old.admin().equals(next.admin())
                || !Objects.equals(old.tls(), next.tls())) {
            log.warn("listen, admin and tls changes take effect at the next restart");
        }
        var a = old.server();
        var b = next.server();
        if (a.maxInitialLineLength() != b.maxInitialLineLength() || a.maxHeaderSize() != b.maxHeaderSize()
                || a.maxConnections() != b.maxConnections() || a.ioThreads() != b.ioThreads()
                || !a.idleTimeout().equals(b.idleTimeout()) || !a.headerReadTimeout().equals(b.headerReadTimeout())) {
            log.warn("server.max_initial_line_length, max_header_size, max_connections, io_threads, idle_timeout"
                    + " and header_read_timeout changes take effect at the next restart");
        }
        if (a.http2().enabled() != b.http2().enabled()) {
            log.warn("server.http2 changes take effect at the next restart (http2_limits at once)");
        }
        if (a.transport() != b.transport()) {
            log.warn("server.transport changes take effect at the next restart");
        }
    }

    /** Modification times of the config's files and of the directories they are in (what a poll compares). */
    static Map<Path, FileTime> stamps(ProxyConfig config) {
        List<Path> paths = new ArrayList<>();
        for (String f : config.files()) {
            Path p = Path.of(f).toAbsolutePath();
            paths.add(p);
            paths.add(p.getParent());
        }
        return stamps(paths);
    }

    private static Map<Path, FileTime> stamps(List<Path> paths) {
        Map<Path, FileTime> out = new LinkedHashMap<>();
        for (Path p : paths) {
            try {
                out.put(p, Files.getLastModifiedTime(p));
            } catch (IOException e) {
                out.put(p, FileTime.fromMillis(0));
            }
        }
        return out;
    }

    /**
     * The files a read would take now, by listing the include directories of the last read (the
     * directories of {@code previous}'s files after the first, the main file); null when a
     * directory cannot be listed.
     */
    static List<String> filesNow(List<String> previous) {
        if (previous.isEmpty()) {
            return null;
        }
        List<String> out = new ArrayList<>();
        out.add(previous.get(0));
        Set<Path> dirs = new LinkedHashSet<>();
        for (String f : previous.subList(1, previous.size())) {
            dirs.add(Path.of(f).getParent());
        }
        try {
            for (Path d : dirs) {
                for (Path f : ConfigReader.includedFiles(d)) {
                    out.add(f.toString());
                }
            }
        } catch (ConfigException e) {
            return null;
        }
        return out;
    }

    /** SHA-256 over the names and contents of every file of the config. */
    static String hashOf(List<String> files) {
        return SettledFiles.hashOf(files);
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
