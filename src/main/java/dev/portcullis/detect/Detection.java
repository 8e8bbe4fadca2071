package dev.portcullis.detect;

import dev.portcullis.vocab.Blocked;
import dev.portcullis.vocab.BlockList;
import dev.portcullis.config.DetectionConfig;
import dev.portcullis.vocab.Reason;
import java.util.Objects;

/**
 * Intrusion detection as the proxy runs it: the {@link IntrusionDetector} and where its events go
 * ({@link IntrusionEvents}), for one {@code detection:} config. The one object the request path
 * and the reloader hold. A reload keeps the detector (and so every count and block) unless the
 * detection settings changed, and keeps the sink unless the webhook did.
 */
public final class Detection implements AutoCloseable, BlockList {
    private final DetectionConfig config;
    private final IntrusionDetector detector;
    private final IntrusionEvents events;
    private final IntrusionListener listener;

    private Detection(DetectionConfig config, IntrusionDetector detector, IntrusionEvents events,
            IntrusionListener listener) {
        this.config = config;
        this.detector = detector;
        this.events = events;
        this.listener = listener;
    }

    /** Starts detection for a config that passed {@link DetectionChecks}. */
    public static Detection start(DetectionConfig config, IntrusionListener listener) {
        Objects.requireNonNull(listener, "listener");
        return new Detection(config, new IntrusionDetector(config), IntrusionEvents.create(config, listener),
                listener);
    }

    /**
     * Records a refused request (request thread; see {@link IntrusionDetector#onDenial}) and
     * hands the event it raises, if any, to the sink. Never blocks.
     */
    public void onDenial(String client, String issuerId, String subject, Reason reason, String path,
            long nowMillis) {
        IntrusionEvent e = detector.onDenial(client, issuerId, subject, reason, path, nowMillis);
        if (e != null) {
            events.raise(e);
        }
    }

    /** See {@link IntrusionDetector#isBlocked}. */
    public Blocked isBlocked(String client, String issuerId, String subject, long nowMillis) {
        return detector.isBlocked(client, issuerId, subject, nowMillis);
    }

    /** Blocks in force: for the {@code portcullis_blocked_sources} gauge. */
    public int blockedSources(long nowMillis) {
        return detector.blockedSources(nowMillis);
    }

    public DetectionConfig config() {
        return config;
    }

    /**
     * Detection for the next config: this one when nothing changed, else one that shares what did
     * not change. Publish the result, then call {@link #retire} on this one.
     */
    public Detection reconfigure(DetectionConfig next) {
        if (next.equals(config)) {
            return this;
        }
        boolean sameDetector = config.equals(new DetectionConfig(next.enabled(), next.window(),
                next.clientThreshold(), next.subjectThreshold(), next.instantReasons(), next.maxTrackedSources(),
                next.block(), config.webhook()));
        boolean sameSink = next.webhook().equals(config.webhook());
        return new Detection(next, sameDetector ? detector : new IntrusionDetector(next),
                sameSink ? events : IntrusionEvents.create(next, listener), listener);
    }

    /** Stops what {@code successor} does not share (after the successor was published). */
    public void retire(Detection successor) {
        if (successor.events != events) {
            events.close();
        }
    }

    @Override
    public void close() {
        events.close();
    }

    IntrusionDetector detector() {
        return detector;
    }
}
