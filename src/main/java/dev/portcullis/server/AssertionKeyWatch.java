package dev.portcullis.server;

import com.nimbusds.jose.JOSEException;
import dev.portcullis.config.AssertionKeyFile;
import dev.portcullis.config.IdentityAssertionConfig;
import dev.portcullis.forward.AssertionKeys;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the identity assertion keys in step with {@code identity_assertion.key_files}: the list of
 * the published config (a reload that changes it) and the files' contents (a mounted Kubernetes
 * Secret updated in place) are checked every {@link #POLL_MILLIS} on the key thread, never on an
 * event loop. New keys are all read and parsed first and then swapped in at once; a file that
 * cannot be read or parsed (half-written, wrong key type) never replaces a working key: it is
 * logged, and the running keys keep signing until the files are good again.
 */
final class AssertionKeyWatch {
    private static final Logger log = LoggerFactory.getLogger(AssertionKeyWatch.class);
    /** As often as the config watcher polls: two small file reads a second. */
    static final long POLL_MILLIS = 1000;

    private final AssertionKeys keys;
    private final Supplier<IdentityAssertionConfig> config;
    private dev.portcullis.config.AssertionAlgorithm lastAlgorithm;
    private List<String> lastFiles = List.of();
    private List<byte[]> lastBytes = List.of();
    private String lastError;

    private AssertionKeyWatch(AssertionKeys keys, Supplier<IdentityAssertionConfig> config) {
        this.keys = keys;
        this.config = config;
    }

    /**
     * The keys of a starting proxy: read from {@code key_files} (start-up fails on one that does
     * not load), else generated and rotated every {@code rotate_every}.
     */
    static AssertionKeys keys(IdentityAssertionConfig ia, Clock clock, ScheduledExecutorService scheduler,
            java.security.Provider provider) {
        List<KeyPair> pairs = new ArrayList<>();
        try {
            for (String f : ia.keyFiles()) {
                pairs.add(AssertionKeyFile.read(f, ia.algorithm()));
            }
            AssertionKeys keys = new AssertionKeys(clock, ia.lifetime(), ia.algorithm(), provider, pairs);
            long rotate = ia.rotateEvery().toMillis(); // does nothing while the keys come from files
            scheduler.scheduleAtFixedRate(keys::rotate, rotate, rotate, TimeUnit.MILLISECONDS);
            return keys;
        } catch (AssertionKeyFile.Invalid | JOSEException e) {
            throw new IllegalArgumentException("identity_assertion.key_files: " + e.getMessage(), e);
        }
    }

    /** Follows the published config's key files from now on. */
    static void watch(AssertionKeys keys, Gate gate, ScheduledExecutorService scheduler) {
        AssertionKeyWatch w = new AssertionKeyWatch(keys, () -> gate.snapshot().config().identityAssertion());
        scheduler.scheduleWithFixedDelay(w::check, POLL_MILLIS, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    void check() {
        try {
            IdentityAssertionConfig ia = config.get();
            List<String> files = ia.keyFiles();
            List<byte[]> bytes = new ArrayList<>();
            for (String f : files) {
                bytes.add(Files.readAllBytes(Path.of(f)));
            }
            if (ia.algorithm() == lastAlgorithm && files.equals(lastFiles) && same(bytes, lastBytes)) {
                return;
            }
            lastAlgorithm = ia.algorithm();
            lastFiles = files;
            lastBytes = bytes;
            List<KeyPair> pairs = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                pairs.add(AssertionKeyFile.parse(bytes.get(i), files.get(i), ia.algorithm()));
            }
            if (keys.useKeys(ia.algorithm(), pairs)) {
                log.info("identity assertion keys reloaded from {}", files);
            }
            lastError = null;
        } catch (IOException | AssertionKeyFile.Invalid | JOSEException | RuntimeException e) {
            String message = e.getMessage();
            if (!Objects.equals(message, lastError)) { // once per distinct problem, not every poll
                log.error("identity assertion key files do not load ({}); the running keys keep signing", message);
            }
            lastError = message;
        }
    }

    private static boolean same(List<byte[]> a, List<byte[]> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }
}
