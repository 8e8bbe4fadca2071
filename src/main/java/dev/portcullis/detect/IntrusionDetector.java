package dev.portcullis.detect;

import dev.portcullis.vocab.Blocked;
import dev.portcullis.config.DetectionConfig;
import dev.portcullis.vocab.DenialReasons;
import dev.portcullis.vocab.Reason;
import dev.portcullis.detect.IntrusionEvent.Kind;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches denied requests for intrusion attempts: many denials of one client address or one
 * verified subject within a window, or a single denial for an instant reason (a forged signature,
 * a refused algorithm). Optionally blocks such a source for a cooldown.
 *
 * <p>Called on the event loops, concurrently: no locks on the way (Caffeine lookups and one
 * compare-and-set per counted denial), no allocation for a known source, no I/O. Only
 * {@link DenialReasons#counts counted} reasons count. Outlives config reloads that do not change
 * {@code detection:}, so a reload does not forgive an attacker.
 */
public final class IntrusionDetector {
    private final boolean enabled;
    private final boolean[] instant = new boolean[Reason.values().length];
    private final SourceTracker clients;
    /** Null when subjects are not tracked ({@code subject_threshold: 0}). */
    private final SourceTracker subjects;
    /** The latest end of any subject block, so the common case needs no subject key at all. */
    private final AtomicLong subjectBlocksUntil = new AtomicLong();

    public IntrusionDetector(DetectionConfig config) {
        Objects.requireNonNull(config, "config");
        this.enabled = config.enabled();
        for (String code : config.instantReasons()) {
            Reason r = DenialReasons.byCode(code);
            if (r != null) {
                instant[r.ordinal()] = true;
            }
        }
        this.clients = new SourceTracker("client", Kind.THRESHOLD_CLIENT, config.clientThreshold(), config);
        this.subjects = config.subjectThreshold() > 0
                ? new SourceTracker("subject", Kind.THRESHOLD_SUBJECT, config.subjectThreshold(), config) : null;
    }

    /** The key under which a verified subject is counted: subjects are unique per issuer only. */
    public static String subjectKey(String issuerId, String subject) {
        return issuerId + "/" + subject;
    }

    /**
     * Records one answered request that was refused. Returns the event it raises, or null (most
     * of the time). At most one event per call: when the client trips, a subject that trips on
     * the same request raises its event on its next denial.
     *
     * @param client    the client key ({@link ClientKeys#of}); null to skip the client
     * @param issuerId  the verified caller's issuer id, or null
     * @param subject   the verified caller's subject, or null. Only ever a verified subject: a
     *                  claim of an unverified token would let anyone get someone else blocked.
     * @param reason    why it was refused; reasons that do not {@link DenialReasons#counts count}
     *                  are ignored
     * @param path      the path (evidence only), may be null
     * @param nowMillis the current time, epoch millis
     */
    public IntrusionEvent onDenial(String client, String issuerId, String subject, Reason reason, String path,
            long nowMillis) {
        if (!enabled || !DenialReasons.counts(reason)) {
            return null;
        }
        IntrusionEvent e = client == null ? null
                : clients.record(client, reason, path, nowMillis, instant[reason.ordinal()], true);
        if (subjects != null && subject != null && issuerId != null) {
            IntrusionEvent s = subjects.record(subjectKey(issuerId, subject), reason, path, nowMillis, false,
                    e == null);
            if (s != null) {
                if (s.blocked()) {
                    subjectBlocksUntil.accumulateAndGet(s.blockedUntilMillis(), Math::max);
                }
                e = s;
            }
        }
        return e;
    }

    /**
     * The block on this client, or on this verified subject, or null. Call it with the client
     * only (issuer and subject null) before authentication, and with the subject after it.
     */
    public Blocked isBlocked(String client, String issuerId, String subject, long nowMillis) {
        if (!enabled) {
            return null;
        }
        Blocked b = client == null ? null : clients.blocked(client, nowMillis);
        if (b == null && subject != null && issuerId != null && subjects != null
                && nowMillis < subjectBlocksUntil.get()) {
            b = subjects.blocked(subjectKey(issuerId, subject), nowMillis);
        }
        return b;
    }

    /** Whether a denial for this reason raises an event at once. */
    boolean instant(Reason reason) {
        return instant[reason.ordinal()];
    }

    /** The tracker of a kind ({@code client} or {@code subject}), or null when that kind is not tracked. */
    SourceTracker tracker(String kind) {
        return "client".equals(kind) ? clients : "subject".equals(kind) ? subjects : null;
    }

    /** Installs a hold the fleet decided (see {@link SourceTracker#hold}); unknown kinds are ignored. */
    void hold(String kind, String key, long until, long nowMillis) {
        SourceTracker t = tracker(kind);
        if (!enabled || t == null) {
            return;
        }
        t.hold(key, until, nowMillis);
        if (t == subjects) {
            subjectBlocksUntil.accumulateAndGet(until, Math::max);
        }
    }

    /** Client and subject blocks in force now: for the {@code portcullis_blocked_sources} gauge. */
    public int blockedSources(long nowMillis) {
        return clients.blockedCount(nowMillis) + (subjects == null ? 0 : subjects.blockedCount(nowMillis));
    }

    /** Keys held in memory (windows and holds of both kinds), after pending evictions. */
    long trackedKeys() {
        return clients.trackedKeys() + (subjects == null ? 0 : subjects.trackedKeys());
    }
}
