package dev.portcullis.demo;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Values kept under fresh random handles (256 bits, base64url) for a short time, each of which can
 * be taken once: the dev issuer's pending sign-ins and authorization codes. Taking removes the
 * value atomically, so two redemptions of one code cannot both succeed; an expired value is gone.
 * At most {@code capacity} values are held; expired ones are dropped when a new one is put.
 *
 * @param <T> the value
 */
final class OneTimeStore<T> {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final Map<String, Held<T>> held = new ConcurrentHashMap<>();
    private final Duration ttl;
    private final int capacity;
    private final Clock clock;

    private record Held<T>(T value, Instant expires) {
    }

    OneTimeStore(Duration ttl, int capacity, Clock clock) {
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Keeps {@code value} and returns its new handle; full (after dropping the expired): an {@link IllegalStateException}. */
    String put(T value) {
        Instant now = clock.instant();
        if (held.size() >= capacity) {
            held.values().removeIf(h -> !now.isBefore(h.expires()));
            if (held.size() >= capacity) {
                throw new IllegalStateException("too many pending values (" + capacity + ")");
            }
        }
        String handle = randomHandle();
        held.put(handle, new Held<>(Objects.requireNonNull(value, "value"), now.plus(ttl)));
        return handle;
    }

    /** The value, removed, if the handle is held and has not expired. */
    Optional<T> take(String handle) {
        if (handle == null) {
            return Optional.empty();
        }
        Held<T> h = held.remove(handle);
        return h == null || !clock.instant().isBefore(h.expires()) ? Optional.empty() : Optional.of(h.value());
    }

    int size() {
        return held.size();
    }

    /** 32 random bytes, base64url without padding. */
    static String randomHandle() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
