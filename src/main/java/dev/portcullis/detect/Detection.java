package dev.portcullis.detect;

import dev.portcullis.vocab.Blocked;
import dev.portcullis.vocab.BlockList;
import dev.portcullis.config.DetectionConfig;
import dev.portcullis.vocab.DenialReasons;
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
    /** Where denials are also counted fleet-wide, or null (this instance alone). */
    private final FleetDenials fleet;

    private Detection(DetectionConfig config, IntrusionDetector detector, IntrusionEvents events,
            IntrusionListener listener, FleetDenials fleet) {
        this.config = config;
        this.detector = detector;
        this.events = events;
        this.listener = listener;
        this.fleet = fleet;
    }

    /** Starts detection for a config that passed {@link DetectionChecks}. */
    public static Detection start(DetectionConfig config, IntrusionListener listener) {
        Objects.requireNonNull(listener, "listener");
        return new Detection(config, new IntrusionDetector(config), IntrusionEvents.create(config, listener),
                listener, null);
    }

    /**
     * This detection, with its denials also counted fleet-wide; it shares everything with this
     * one (publish it in place of this one, nothing to retire). Reloads keep the fleet.
     */
    public Detection withFleet(FleetDenials fleetDenials) {
        return new Detection(config, detector, events, listener, Objects.requireNonNull(fleetDenials, "fleet"));
    }

    /**
     * Records a refused request (request thread; see {@link IntrusionDetector#onDenial}) and
     * hands the event it raises, if any, to the sink. Never blocks.
     */
    public void onDenial(String client, String issuerId, String subject, Reason reason, String path,
            long nowMillis) {
        FleetDenials f = fleet;
        if (f == null || !config.enabled() || !DenialReasons.counts(reason)) {
            IntrusionEvent e = detector.onDenial(client, issuerId, subject, reason, path, nowMillis);
            if (e != null) {
                events.raise(e);
            }
            return;
        }
        // Which sources this denial counts for, asked before counting: the denial that trips a
        // source is counted fleet-wide too, a denial of a source blocked already is not.
        boolean instant = detector.instant(reason);
        SourceTracker subjects = detector.tracker(FleetDenials.SUBJECT);
        boolean countClient = client != null && detector.tracker(FleetDenials.CLIENT).counts(client, nowMillis, instant);
        String subjectKey = subjects == null || subject == null || issuerId == null ? null
                : IntrusionDetector.subjectKey(issuerId, subject);
        boolean countSubject = subjectKey != null && subjects.counts(subjectKey, nowMillis, false);
        IntrusionEvent e = detector.onDenial(client, issuerId, subject, reason, path, nowMillis);
        if (e != null && e.kind() == IntrusionEvent.Kind.INSTANT) {
            events.raise(e); // one denial is enough: local first, the fleet hears of the block after
        }
        boolean subjectTripped = e != null && e.kind() == IntrusionEvent.Kind.THRESHOLD_SUBJECT;
        if (countClient) {
            f.counted(FleetDenials.CLIENT, client, subjectTripped ? null : e, nowMillis);
        }
        if (countSubject) {
            f.counted(FleetDenials.SUBJECT, subjectKey, subjectTripped ? e : null, nowMillis);
        }
    }

    /** Writes an event the fleet layer decided to report (off the event loop, or a local fallback). */
    public void raise(IntrusionEvent e) {
        events.raise(e);
    }

    /**
     * The event of a source whose fleet-wide count crossed its threshold on this instance: the
     * fleet's count, this instance's evidence of it.
     */
    public IntrusionEvent fleetEvent(String kind, String key, int count, long untilMillis, long nowMillis) {
        SourceTracker t = detector.tracker(kind);
        boolean block = config.block().enabled();
        return new IntrusionEvent(FleetDenials.SUBJECT.equals(kind) ? IntrusionEvent.Kind.THRESHOLD_SUBJECT
                : IntrusionEvent.Kind.THRESHOLD_CLIENT, key, count, config.window(),
                t == null ? java.util.List.of() : t.samples(key), block, block ? untilMillis : 0, nowMillis, true);
    }

    /** Installs a hold (a block, with blocking on) the fleet decided, until {@code untilMillis}. */
    public void hold(String kind, String key, long untilMillis, long nowMillis) {
        detector.hold(kind, key, untilMillis, nowMillis);
    }

    /** A denial was not counted fleet-wide (too many calls pending): for the metric. */
    public void fleetDropped() {
        listener.fleetDropped();
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
                sameSink ? events : IntrusionEvents.create(next, listener), listener, fleet);
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
