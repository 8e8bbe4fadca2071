package dev.portcullis.server;

import dev.portcullis.config.IssuerConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.membership.DirectoryEvent;
import dev.portcullis.membership.MemorySharedState;
import dev.portcullis.membership.SharedState;
import dev.portcullis.observe.Metrics;
import dev.portcullis.observe.SessionMetrics;
import dev.portcullis.session.OidcClient;
import dev.portcullis.session.SessionCookie;
import dev.portcullis.session.SessionSettings;
import dev.portcullis.session.SessionStore;
import dev.portcullis.session.Sessions;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser sessions of a running proxy, when a route has {@code login: browser}: ONE shared
 * state for them and the membership overlay (when either is on), the {@link Sessions} published
 * in the {@link Gate} with the listener's cookie, their metrics, the sweep (on the scheduler,
 * never on the request path), and the membership overlay over the same state, whose events and
 * revocations end the sessions of the users they concern. A reload keeps the sessions
 * ({@link Gate#publish} hands them the new lifetimes).
 */
final class SessionSetup {
    private static final Logger log = LoggerFactory.getLogger(SessionSetup.class);
    /** Until the issuers' token endpoint client is wired in: every refresh fails as "issuer unreachable". */
    static final OidcClient UNWIRED = (issuer, token) -> CompletableFuture.failedFuture(
            new IllegalStateException("no token endpoint client"));

    private SessionSetup() {
    }

    /**
     * Starts sessions (when the config has a {@code login: browser} route) and the membership
     * overlay (when it is on) over one shared state; returns the overlay's setup, or null.
     */
    static MembershipSetup start(ProxyConfig config, String adminToken, Metrics metrics, Gate gate,
            ScheduledExecutorService scheduler, Clock clock, OidcClient oidc) {
        SharedSetup.connect(config, metrics, gate, scheduler);
        FleetDetectionSetup.start(config, gate);
        SharedState shared = config.browserSessions() || config.membershipOverlay() ? new MemorySharedState() : null;
        Sessions sessions = null;
        if (config.browserSessions()) {
            SessionMetrics m = new SessionMetrics(metrics.registry(), () -> gate.sessions().store().size());
            SessionStore onRedis = SharedSetup.sessionStore(config, gate, clock);
            sessions = new Sessions(onRedis != null ? onRedis : shared.sessions(), oidc, SessionSettings.of(config), m,
                    clock::millis);
            Sessions s = sessions;
            scheduler.scheduleWithFixedDelay(() -> s.sweep(clock.millis()), 1, 1, TimeUnit.SECONDS);
            SessionCookie cookie = new SessionCookie(!plainLoopback(config));
            gate.sessionCookie(cookie);
            gate.sessions(sessions);
            log.info("browser sessions on: cookie {}, at most {} sessions {}", cookie.name(),
                    config.sessions().maxSessions(), onRedis != null
                            ? "cached here, kept in Redis (encrypted) for the fleet" : "kept in memory");
            if (!cookie.secure()) {
                log.warn("plain HTTP on loopback: the session cookie is '{}', without Secure and the __Host- prefix;"
                        + " serve TLS for anything but a demo", cookie.name());
            }
        }
        MembershipSetup membership = MembershipSetup.start(config, adminToken, metrics, gate, scheduler, clock,
                shared == null ? new MemorySharedState() : shared, sessions);
        SharedSetup.startBus(gate);
        return membership;
    }

    /** Plain HTTP on a loopback address only: there a browser would not keep a Secure cookie. */
    static boolean plainLoopback(ProxyConfig config) {
        if (config.tls() != null) {
            return false;
        }
        try {
            return InetAddress.getByName(config.listen().host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Ends the sessions of the user an event concerns: a deactivation, suspension, the end of the
     * user's Okta sessions, or any operator revocation (also of one group: the issuer would hand a
     * refreshed token its groups back). A session's subject is its ID token's {@code sub} (for Okta,
     * the user id): it is matched against the event's user id and its login (an operator's
     * {@code uid} and {@code sub}), for every issuer with a client. Membership changes do not end
     * sessions: the overlay narrows the current token at once, and the user's sessions refresh at
     * their next request, so their tokens carry the directory's groups (an added group too).
     */
    static void endSessions(Sessions sessions, ProxyConfig config, DirectoryEvent e) {
        switch (e.type()) {
            case MEMBERSHIP_ADD, MEMBERSHIP_REMOVE -> {
                long now = System.currentTimeMillis();
                for (IssuerConfig i : config.issuers()) {
                    if (i.client() != null && e.userId() != null) {
                        sessions.refreshSubject(i.id(), e.userId(), now);
                    }
                    if (i.client() != null && e.userLogin() != null) {
                        sessions.refreshSubject(i.id(), e.userLogin(), now);
                    }
                }
            }
            case USER_DEACTIVATE, USER_SUSPEND, SESSION_END, OPERATOR_REVOKE -> {
                for (IssuerConfig i : config.issuers()) {
                    if (i.client() == null) {
                        continue;
                    }
                    if (e.userId() != null) {
                        sessions.removeSubject(i.id(), e.userId());
                    }
                    if (e.userLogin() != null) {
                        sessions.removeSubject(i.id(), e.userLogin());
                    }
                }
            }
            default -> {
            }
        }
    }
}
