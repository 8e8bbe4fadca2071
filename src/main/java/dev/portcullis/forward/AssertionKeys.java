package dev.portcullis.forward;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.bc.BouncyCastleProviderSingleton;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.Provider;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Portcullis's own signing keys for identity assertions: ES256 (P-256), generated in memory and
 * rotated on a schedule, or, for a fleet, read from {@code identity_assertion.key_files} ({@link
 * #useKeys}): the first signs and every one is published, so each instance serves the same JWKS
 * and the next key is known to services before it signs. A key that stops signing (rotated, or
 * dropped from the list) stays published until every assertion it signed has expired, so a
 * service never sees a signature it cannot check. Every {@code kid} is the key's RFC 7638
 * thumbprint, so all instances name a shared key alike.
 */
public final class AssertionKeys {
    private static final Logger log = LoggerFactory.getLogger(AssertionKeys.class);

    /** The key that signs now, with a signer built once for it. */
    public record Current(ECKey key, ECDSASigner signer) {
    }

    private final Clock clock;
    private final Duration retainPrevious;
    private volatile Current current;
    /** The other keys of {@code key_files}, published but not signing; empty with a generated key. */
    private volatile List<ECKey> published = List.of();
    private volatile boolean fromFiles;
    private volatile ECKey previous;
    private volatile long previousUntilMillis;
    private volatile String jwksJson;

    public AssertionKeys(Clock clock, Duration assertionLifetime) {
        this.clock = clock;
        this.retainPrevious = assertionLifetime.plusSeconds(60);
        rotate();
    }

    /** Keys from {@code key_files} (the first signs); a generated key when there are none. */
    public AssertionKeys(Clock clock, Duration assertionLifetime, List<KeyPair> keys) throws JOSEException {
        this.clock = clock;
        this.retainPrevious = assertionLifetime.plusSeconds(60);
        if (keys.isEmpty()) {
            rotate();
        } else {
            useKeys(keys);
        }
    }

    public Current current() {
        return current;
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
            replaceCurrent(new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256)
                    .keyIDFromThumbprint(true).generate(), List.of());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an assertion signing key", e);
        }
    }

    /**
     * Signs with the first of {@code keys} and publishes them all, in one swap (a signer is built
     * before anything changes, so a key that cannot sign leaves the running keys in place). The same
     * list, by {@code kid}, changes nothing; a signing key that is no longer first stays published
     * as the previous one. Empty: back to a generated key.
     *
     * @return whether the keys changed
     */
    public synchronized boolean useKeys(List<KeyPair> keys) throws JOSEException {
        if (keys.isEmpty()) {
            boolean was = fromFiles;
            fromFiles = false;
            if (was) {
                rotate();
            }
            return was;
        }
        List<ECKey> jwks = new ArrayList<>();
        for (KeyPair pair : keys) {
            jwks.add(new ECKey.Builder(Curve.P_256, (ECPublicKey) pair.getPublic()).privateKey(pair.getPrivate())
                    .keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).keyIDFromThumbprint().build());
        }
        if (fromFiles && kids(jwks).equals(kids(allOf(current.key(), published)))) {
            return false;
        }
        List<ECKey> rest = new ArrayList<>();
        for (ECKey k : jwks.subList(1, jwks.size())) {
            rest.add(k.toPublicJWK());
        }
        fromFiles = true;
        replaceCurrent(jwks.get(0), rest);
        return true;
    }

    private void replaceCurrent(ECKey next, List<ECKey> others) throws JOSEException {
        Current fresh = new Current(next, signer(next));
        Current old = current;
        if (old != null && !old.key().getKeyID().equals(next.getKeyID())) {
            previous = old.key().toPublicJWK();
            previousUntilMillis = clock.millis() + retainPrevious.toMillis();
        }
        published = List.copyOf(others);
        current = fresh;
        publish();
        log.info("identity assertion signing key is now {}{}", next.getKeyID(),
                others.isEmpty() ? "" : ", also published: " + kids(others));
    }

    private static List<ECKey> allOf(ECKey first, List<ECKey> rest) {
        List<ECKey> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }

    private static List<String> kids(List<ECKey> keys) {
        return keys.stream().map(ECKey::getKeyID).toList();
    }

    /**
     * A signer that computes ES256 with Bouncy Castle's provider, about six times faster than the
     * JDK 17 provider (≈75 µs against ≈450 µs a signature on this machine class): the key is
     * converted to a Bouncy Castle key once, so each signature reuses the curve's precomputed
     * tables. The signatures are ordinary ES256; services verify them with any library.
     */
    static ECDSASigner signer(ECKey key) throws JOSEException {
        try {
            Provider bc = BouncyCastleProviderSingleton.getInstance();
            ECPrivateKey bcKey = (ECPrivateKey) KeyFactory.getInstance("EC", bc)
                    .generatePrivate(new PKCS8EncodedKeySpec(key.toECPrivateKey().getEncoded()));
            ECDSASigner signer = new ECDSASigner(bcKey, Curve.P_256);
            signer.getJCAContext().setProvider(bc);
            return signer;
        } catch (GeneralSecurityException e) {
            throw new JOSEException("cannot load the assertion key into Bouncy Castle", e);
        }
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
