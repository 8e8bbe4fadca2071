package dev.portcullis.forward;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import dev.portcullis.config.AssertionAlgorithm;
import java.security.KeyPair;
import java.security.Provider;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Portcullis's own signing keys for identity assertions: ES256 (P-256) or EdDSA (Ed25519),
 * generated in memory and rotated on a schedule, or, for a fleet, read from
 * {@code identity_assertion.key_files} ({@link #useKeys}): the first signs and every one is
 * published, so each instance serves the same JWKS and the next key is known to services before it
 * signs. A key that stops signing (rotated, dropped from the list, or replaced by a key of the other
 * algorithm) stays published until every assertion it signed has expired, so a service never sees a
 * signature it cannot check. Every {@code kid} is the key's RFC 7638 thumbprint, so all instances
 * name a shared key alike. Signatures are computed by the JCA provider given
 * ({@code server.crypto_provider}: AWS-LC, or Bouncy Castle).
 */
public final class AssertionKeys {
    private static final Logger log = LoggerFactory.getLogger(AssertionKeys.class);

    /** The key that signs now (an {@code EC} or {@code OKP} JWK), with a signer built once for it. */
    public record Current(JWK key, JWSSigner signer) {
        /** The {@code alg} of the assertions this key signs. */
        public JWSAlgorithm algorithm() {
            return AssertionSigners.algorithmOf(key);
        }
    }

    private final Clock clock;
    private final Duration retainPrevious;
    private final Provider provider;
    private volatile AssertionAlgorithm algorithm;
    private volatile Current current;
    /** The other keys of {@code key_files}, published but not signing; empty with a generated key. */
    private volatile List<JWK> published = List.of();
    private volatile boolean fromFiles;
    private volatile JWK previous;
    private volatile long previousUntilMillis;
    private volatile String jwksJson;

    /** A generated ES256 key, signed with Bouncy Castle. */
    public AssertionKeys(Clock clock, Duration assertionLifetime) {
        this(clock, assertionLifetime, AssertionAlgorithm.ES256, BouncyCastleProviderSingleton.getInstance(), true);
    }

    /** ES256 keys from {@code key_files} (the first signs); a generated key when there are none. */
    public AssertionKeys(Clock clock, Duration assertionLifetime, List<KeyPair> keys) throws JOSEException {
        this(clock, assertionLifetime, AssertionAlgorithm.ES256, BouncyCastleProviderSingleton.getInstance(), keys);
    }

    /**
     * Keys for {@code algorithm} from {@code key_files} (the first signs), a generated key when there
     * are none; signatures computed by {@code provider}.
     */
    public AssertionKeys(Clock clock, Duration assertionLifetime, AssertionAlgorithm algorithm, Provider provider,
            List<KeyPair> keys) throws JOSEException {
        this(clock, assertionLifetime, algorithm, provider, keys.isEmpty());
        if (!keys.isEmpty()) {
            useKeys(algorithm, keys);
        }
    }

    private AssertionKeys(Clock clock, Duration assertionLifetime, AssertionAlgorithm algorithm, Provider provider,
            boolean generate) {
        this.clock = clock;
        this.retainPrevious = assertionLifetime.plusSeconds(60);
        this.provider = Objects.requireNonNull(provider, "provider");
        this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
        if (generate) {
            rotate();
        }
    }

    public Current current() {
        return current;
    }

    /** The JCA provider the signatures are computed with. */
    public Provider provider() {
        return provider;
    }

    /**
     * Replaces the generated signing key; the old one stays in the JWKS for one assertion lifetime
     * and a minute. Does nothing while the keys come from {@code key_files}: a shared key is only
     * replaced by editing the list, never by one instance alone.
     */
    public synchronized void rotate() {
        if (fromFiles) {
            return;
        }
        try {
            AssertionSigners.Signing next = AssertionSigners.generate(algorithm, provider);
            replaceCurrent(new Current(next.jwk(), next.signer()), List.of());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an assertion signing key", e);
        }
    }

    /** ES256 keys: {@link #useKeys(AssertionAlgorithm, List)}. */
    public boolean useKeys(List<KeyPair> keys) throws JOSEException {
        return useKeys(AssertionAlgorithm.ES256, keys);
    }

    /**
     * Signs with the first of {@code keys} and publishes them all, in one swap (a signer is built
     * before anything changes, so a key that cannot sign leaves the running keys in place). The same
     * algorithm and list, by {@code kid}, change nothing; a signing key that is no longer first stays
     * published as the previous one. Empty: back to a generated key (of {@code alg}: a reload that
     * changes the algorithm re-keys at once).
     *
     * @return whether the keys changed
     */
    public synchronized boolean useKeys(AssertionAlgorithm alg, List<KeyPair> keys) throws JOSEException {
        boolean algorithmChanged = alg != algorithm;
        if (keys.isEmpty()) {
            boolean was = fromFiles;
            fromFiles = false;
            algorithm = alg;
            if (was || algorithmChanged) {
                rotate();
            }
            return was || algorithmChanged;
        }
        List<AssertionSigners.Signing> signing = new ArrayList<>();
        for (KeyPair pair : keys) {
            signing.add(AssertionSigners.of(alg, pair, provider));
        }
        List<JWK> jwks = signing.stream().map(AssertionSigners.Signing::jwk).toList();
        if (fromFiles && !algorithmChanged && kids(jwks).equals(kids(allOf(current.key(), published)))) {
            return false;
        }
        List<JWK> rest = new ArrayList<>();
        for (JWK k : jwks.subList(1, jwks.size())) {
            rest.add(k.toPublicJWK());
        }
        fromFiles = true;
        algorithm = alg;
        replaceCurrent(new Current(jwks.get(0), signing.get(0).signer()), rest);
        return true;
    }

    private void replaceCurrent(Current fresh, List<JWK> others) {
        Current old = current;
        if (old != null && !old.key().getKeyID().equals(fresh.key().getKeyID())) {
            previous = old.key().toPublicJWK();
            previousUntilMillis = clock.millis() + retainPrevious.toMillis();
        }
        published = List.copyOf(others);
        current = fresh;
        publish();
        log.info("identity assertion signing key is now {} ({}){}", fresh.key().getKeyID(), fresh.algorithm(),
                others.isEmpty() ? "" : ", also published: " + kids(others));
    }

    private static List<JWK> allOf(JWK first, List<JWK> rest) {
        List<JWK> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private static List<String> kids(List<? extends JWK> keys) {
        return keys.stream().map(JWK::getKeyID).toList();
    }

    /** The public keys as a JWKS document (served on the admin listener). */
    public String jwksJson() {
        if (previous != null && clock.millis() > previousUntilMillis) {
            synchronized (this) {
                previous = null;
                publish();
            }
        }
        return jwksJson;
    }

    private void publish() {
        List<JWK> keys = new ArrayList<>();
        keys.add(current.key().toPublicJWK());
        keys.addAll(published);
        if (previous != null && keys.stream().noneMatch(k -> k.getKeyID().equals(previous.getKeyID()))) {
            keys.add(previous);
        }
        jwksJson = new JWKSet(keys).toString(true);
    }
}
