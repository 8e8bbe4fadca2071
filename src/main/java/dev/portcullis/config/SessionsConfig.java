package dev.portcullis.config;

import java.time.Duration;

/**
 * {@code sessions}: how browser sessions (routes with {@code login: browser}) are kept. The
 * session itself (tokens, identity, times) lives server-side; the browser holds only an opaque id.
 *
 * @param maxSessions   sessions held at once; at the limit the least recently used one ends (100,000)
 * @param keyFile       file of at least 32 random bytes that protects the sign-in cookie; null: a
 *                      random key per process (a sign-in under way across a restart starts again)
 * @param signInTimeout how long a sign-in may take, from the redirect to the callback (10 min)
 * @param rotationGrace how long a rotated-away session id still works, for requests already in
 *                      flight with it (30 s)
 */
public record SessionsConfig(long maxSessions, String keyFile, Duration signInTimeout, Duration rotationGrace) {

    public static SessionsConfig defaults() {
        return new SessionsConfig(100_000, null, Duration.ofMinutes(10), Duration.ofSeconds(30));
    }
}
