package dev.portcullis.session;

import dev.portcullis.config.ClientConfig;
import dev.portcullis.config.IssuerConfig;
import dev.portcullis.config.ProxyConfig;
import dev.portcullis.config.SessionsConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The session lifetimes of a config, in millis: per issuer with a {@code client}, and the
 * {@code sessions:} limits. Built at load time; {@link Sessions#configure} publishes it.
 *
 * @param byIssuer    issuer id → its lifetimes; a session of an issuer not in it (removed by a reload) ends
 * @param graceMillis {@code sessions.rotation_grace}
 * @param maxSessions {@code sessions.max_sessions}
 */
public record SessionSettings(Map<String, Lifetimes> byIssuer, long graceMillis, long maxSessions) {

    /**
     * One issuer's session lifetimes.
     *
     * @param refreshBeforeMillis {@code refresh_before}
     * @param maxAgeMillis        {@code session_max_age}, from sign-in, across refreshes
     * @param idleMillis          {@code session_idle_timeout}
     */
    public record Lifetimes(long refreshBeforeMillis, long maxAgeMillis, long idleMillis) {
        /**
         * How stale {@code lastSeen} may get before a request writes it: a twentieth of the idle
         * timeout, at most 30 s, so a session ends at most that much early and a busy session
         * costs one store write per interval, not one per request.
         */
        public long touchEveryMillis() {
            return Math.min(30_000, idleMillis / 20);
        }
    }

    public SessionSettings {
        byIssuer = Map.copyOf(byIssuer);
    }

    /** The lifetimes of an issuer's sessions, or null when it signs no browser in. */
    public Lifetimes of(String issuerId) {
        return byIssuer.get(issuerId);
    }

    /** The settings of a config. */
    public static SessionSettings of(ProxyConfig config) {
        Map<String, Lifetimes> m = new HashMap<>();
        for (IssuerConfig i : config.issuers()) {
            ClientConfig c = i.client();
            if (c != null) {
                m.put(i.id(), new Lifetimes(c.refreshBefore().toMillis(), c.sessionMaxAge().toMillis(),
                        c.sessionIdleTimeout().toMillis()));
            }
        }
        SessionsConfig s = Objects.requireNonNull(config.sessions(), "sessions");
        return new SessionSettings(m, s.rotationGrace().toMillis(), s.maxSessions());
    }
}
