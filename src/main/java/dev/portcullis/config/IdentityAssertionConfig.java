package dev.portcullis.config;

import java.time.Duration;
import java.util.List;

/**
 * The signed identity assertion sent upstream beside the plain identity headers: a short-lived
 * JWT that Portcullis signs with its own key, so a service can tell a request that passed the
 * gate from one that reached it around the gate or with spoofed headers.
 *
 * @param enabled     whether to send it (default true)
 * @param header      the header carrying it
 * @param issuer      its {@code iss}
 * @param lifetime    how long one assertion is valid (never beyond the caller's token)
 * @param rotateEvery how often the signing key is replaced (the previous one stays published)
 * @param cacheSize   signed assertions kept for reuse (one per caller token and route); a caller
 *                    beyond it gets a fresh signature (≈75 µs) instead of a cached one
 * @param keyFiles    PEM PKCS#8 keys (EC P-256 for ES256, Ed25519 for EdDSA) shared by a fleet: the first signs, all are published
 *                    (the next one ahead of rotation); empty for a per-instance generated key
 *                    rotated every {@code rotateEvery}
 * @param algorithm   ES256 (the default) or EdDSA (Ed25519); the key files must be keys for it
 * @param routes      ids of the routes whose upstreams get an assertion; null (the default) for every
 *                    route. A route not listed gets no assertion header and costs no signature
 */
public record IdentityAssertionConfig(boolean enabled, String header, String issuer, Duration lifetime,
        Duration rotateEvery, long cacheSize, List<String> keyFiles, AssertionAlgorithm algorithm,
        List<String> routes) {

    public IdentityAssertionConfig {
        keyFiles = List.copyOf(keyFiles);
        java.util.Objects.requireNonNull(algorithm, "algorithm");
        routes = routes == null ? null : List.copyOf(routes);
    }

    /** For every route. */
    public IdentityAssertionConfig(boolean enabled, String header, String issuer, Duration lifetime,
            Duration rotateEvery, long cacheSize, List<String> keyFiles, AssertionAlgorithm algorithm) {
        this(enabled, header, issuer, lifetime, rotateEvery, cacheSize, keyFiles, algorithm, null);
    }

    /** ES256. */
    public IdentityAssertionConfig(boolean enabled, String header, String issuer, Duration lifetime,
            Duration rotateEvery, long cacheSize, List<String> keyFiles) {
        this(enabled, header, issuer, lifetime, rotateEvery, cacheSize, keyFiles, AssertionAlgorithm.ES256);
    }

    /** Without key files: a per-instance generated key. */
    public IdentityAssertionConfig(boolean enabled, String header, String issuer, Duration lifetime,
            Duration rotateEvery, long cacheSize) {
        this(enabled, header, issuer, lifetime, rotateEvery, cacheSize, List.of());
    }

    public static IdentityAssertionConfig defaults() {
        return new IdentityAssertionConfig(true, "X-Portcullis-Assertion", "portcullis", Duration.ofSeconds(60),
                Duration.ofHours(24), 10_000);
    }
}
