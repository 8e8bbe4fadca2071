package dev.portcullis.server;

import dev.portcullis.config.IssuerConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.membership.DirectoryEvent;
import dev.portcullis.membership.EventApplier;
import dev.portcullis.membership.MembershipOverlay;
import dev.portcullis.membership.MemorySharedState;
import dev.portcullis.observe.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The membership overlay of a running proxy, when {@link ProxyConfig#membershipOverlay()} is on:
 * its in-memory shared state, the sweep that forgets expired entries (on the scheduler, never on
 * the request path), its metrics, the request-path check published in the {@link Gate}, and the
 * admin revocation endpoint when {@code admin.token_file} is set.
 *
 * @param overlay     the overlay
 * @param applier     where directory events go: one event at a time, whichever thread calls
 *                    (the Event Hook queue, the admin endpoint); with {@code shared_state.redis}
 *                    they also go to the rest of the fleet ({@link FleetEventsSetup})
 * @param revocations {@code /admin/revocations}, or null without {@code admin.token_file}
 */
record MembershipSetup(MembershipOverlay overlay, EventApplier applier, AdminRevocations revocations) {
    /** At least 16 characters: a guessable admin token would hand out revocations to anyone on the admin network. */
    static final int MIN_TOKEN_LENGTH = 16;

    /**
     * The overlay for a config, or null when the config does not turn it on.
     *
     * @param adminToken the admin token ({@link #readToken}), or null without {@code admin.token_file}
     */
    static MembershipSetup start(ProxyConfig config, String adminToken, Metrics metrics, Gate gate,
            ScheduledExecutorService scheduler, Clock clock) {
        return start(config, adminToken, metrics, gate, scheduler, clock, new MemorySharedState(), null);
    }

    /**
     * {@link #start}, over the given shared state, and ending the sessions of the users that
     * events and revocations concern ({@link SessionSetup#endSessions}) when {@code sessions} is not null.
     */
    static MembershipSetup start(ProxyConfig config, String adminToken, Metrics metrics, Gate gate,
            ScheduledExecutorService scheduler, Clock clock, dev.portcullis.membership.SharedState shared,
            dev.portcullis.session.Sessions sessions) {
        if (!config.membershipOverlay()) {
            return null;
        }
        MembershipOverlay overlay = new MembershipOverlay(shared, window(config), clock, metrics.overlay());
        metrics.overlay().entries(overlay::size);
        EventApplier serial = new EventApplier() {
            @Override
            public synchronized void apply(DirectoryEvent event) {
                overlay.apply(event);
                if (sessions != null) {
                    SessionSetup.endSessions(sessions, config, event);
                }
            }
        };
        // With shared_state.redis, this instance's events go to the fleet and the fleet's come here.
        EventApplier applier = FleetEventsSetup.wire(config, gate, serial, metrics, scheduler, clock);
        long sweep = sweepMillis(window(config));
        scheduler.scheduleWithFixedDelay(overlay::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
        AdminRevocations revocations = adminToken == null ? null
                : new AdminRevocations(adminToken, applier, overlay.store(), clock);
        gate.membership(overlay);
        return new MembershipSetup(overlay, applier, revocations);
    }

    /**
     * How long an entry can matter: the longest {@code max_token_lifetime + clock_skew} of the
     * issuers (the config requires {@code max_token_lifetime} on each once the overlay is on).
     */
    static Duration window(ProxyConfig config) {
        Duration longest = Duration.ZERO;
        for (IssuerConfig i : config.issuers()) {
            Duration d = (i.maxTokenLifetime() == null ? Duration.ofDays(1) : i.maxTokenLifetime()).plus(i.clockSkew());
            longest = d.compareTo(longest) > 0 ? d : longest;
        }
        return longest;
    }

    /** A sweep every tenth of the window, between one second and a minute. */
    static long sweepMillis(Duration window) {
        return Math.max(1_000, Math.min(60_000, window.toMillis() / 10));
    }

    /** The admin token: the file's content, trimmed. */
    static String readToken(String file) {
        String token;
        try {
            token = Files.readString(Path.of(file)).trim();
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("admin.token_file: cannot read " + file + ": " + e.getMessage(), e);
        }
        if (token.length() < MIN_TOKEN_LENGTH || token.chars().anyMatch(c -> c <= ' ' || c >= 127)) {
            throw new IllegalStateException("admin.token_file: " + file + " must hold one token of at least "
                    + MIN_TOKEN_LENGTH + " printable ASCII characters (e.g. openssl rand -hex 32)");
        }
        return token;
    }
}
