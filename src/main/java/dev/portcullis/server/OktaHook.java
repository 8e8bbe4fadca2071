package dev.portcullis.server;

import dev.portcullis.compile.Snapshot;
import dev.portcullis.config.OktaConfig.EventHook;
import dev.portcullis.membership.DirectoryEvents;
import dev.portcullis.membership.OktaDelivery;
import dev.portcullis.observe.OktaEventMetrics;
import dev.portcullis.route.PathNormalizer;
import dev.portcullis.route.RequestTarget;
import dev.portcullis.vocab.Reason;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Okta Event Hook receiver that every connection shares: the reserved {@code /.portcullis/}
 * prefix, the hook's config and secret (read when a config is published: at start-up and on each
 * reload), and where accepted deliveries go. The per-connection side is {@link OwnEndpoint}.
 */
final class OktaHook {
    private static final Logger log = LoggerFactory.getLogger(OktaHook.class);
    static final String PREFIX = "/.portcullis/";
    static final String EVENTS_PATH = "/.portcullis/okta/events";

    private final DirectoryEvents events;
    private final OktaEventMetrics metrics;
    private volatile EventHook config;
    /** SHA-256 of the secret: compared with the header's hash, so lengths never differ. */
    private volatile byte[] secretHash;

    /** @param events where deliveries go; null when nothing applies them (the receiver then answers 404) */
    OktaHook(DirectoryEvents events, OktaEventMetrics metrics) {
        this.events = events;
        this.metrics = metrics;
    }

    /**
     * The path under {@code /.portcullis/} that a request-target names once normalized (as the
     * decision core would normalize it, so {@code /%2Eportcullis/…} is the same), or null when it
     * names none. Most targets are told apart without normalizing twice.
     */
    static String reservedPath(String uri) {
        String origin = uri;
        if (!uri.startsWith("/")) {
            String[] split = PathNormalizer.splitAbsoluteForm(uri);
            if (split == null) {
                return null;
            }
            origin = split[1];
        }
        if (origin.indexOf('%') < 0 && !origin.contains("portcullis")) {
            return null;
        }
        RequestTarget t = PathNormalizer.normalize(origin);
        if (t == null) {
            return null;
        }
        return t.path().startsWith(PREFIX) || t.path().equals("/.portcullis") ? t.path() : null;
    }

    /**
     * Takes a published config's hook: reads its secret file. At start-up a secret that cannot be
     * read stops the start; on a reload the previous secret is kept and the failure logged.
     */
    void published(Snapshot s, boolean startUp) {
        EventHook next = s.config().okta().eventHook();
        if (next == null) {
            config = null;
            secretHash = null;
            return;
        }
        try {
            byte[] hash = sha256(readSecret(next.secretFile()));
            secretHash = hash;
            config = next;
        } catch (RuntimeException e) {
            if (startUp) {
                throw e;
            }
            log.error("okta.event_hook: {}; the previous secret stays in use", e.getMessage());
            config = secretHash == null ? null : next;
        }
    }

    /** Fails when a config's hook secret cannot be read: checked before anything starts. */
    static void checkSecret(dev.portcullis.config.ProxyConfig c) {
        if (c.okta().eventHook() != null) {
            readSecret(c.okta().eventHook().secretFile());
        }
    }

    private static byte[] readSecret(String file) {
        String secret;
        try {
            secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException("okta.event_hook.secret_file " + file + " cannot be read: " + e, e);
        }
        if (secret.isEmpty()) {
            throw new IllegalStateException("okta.event_hook.secret_file " + file + " is empty");
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** The hook's config when the receiver is on (configured, with a secret and somewhere to send events). */
    EventHook config() {
        return events == null ? null : config;
    }

    /** Whether exactly one value of the secret header came and it is the secret; constant time. */
    boolean authentic(List<String> values) {
        byte[] expected = secretHash;
        return expected != null && values.size() == 1
                && MessageDigest.isEqual(expected, sha256(values.get(0).getBytes(StandardCharsets.UTF_8)));
    }

    /** Hands a parsed delivery on; {@link DirectoryEvents.QueueFull} when it cannot be taken now. */
    void submit(OktaDelivery d) {
        metrics.received(d.ignored());
        metrics.ignored(d.ignored());
        if (!d.events().isEmpty()) {
            events.submit(d.events());
        }
    }

    /** Counts how a request to the receiver was answered. */
    void answered(Reason r) {
        metrics.delivery(r);
    }

    private static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
