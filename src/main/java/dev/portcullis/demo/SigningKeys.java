package dev.portcullis.demo;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.util.ArrayList;
import java.util.List;

/**
 * The issuer's RSA signing keys: one current key that signs, and the published set served as the
 * JWKS. Reads take one immutable state; rotation swaps it under a lock.
 */
final class SigningKeys {

    /** The current key, the published keys (current last) and their public JWKS, built once. */
    private record State(RSAKey current, List<RSAKey> published, String publicJwks) {
        State {
            published = List.copyOf(published);
        }

        static State of(RSAKey current, List<RSAKey> published) {
            return new State(current, published, new JWKSet(List.<JWK>copyOf(published)).toString(true));
        }
    }

    private volatile State state;

    SigningKeys() {
        RSAKey first = generate();
        this.state = State.of(first, List.of(first));
    }

    /**
     * Publishes a new key and signs with it from now on. The old keys stay published so that
     * tokens already issued still verify, as Okta does during a rotation.
     */
    synchronized void rotate() {
        RSAKey next = generate();
        List<RSAKey> published = new ArrayList<>(state.published());
        published.add(next);
        state = State.of(next, published);
    }

    /** Unpublishes every key but the current one: tokens they signed stop verifying. */
    synchronized void dropOld() {
        RSAKey current = state.current();
        state = State.of(current, List.of(current));
    }

    String currentKeyId() {
        return state.current().getKeyID();
    }

    List<String> publishedKeyIds() {
        return state.published().stream().map(RSAKey::getKeyID).toList();
    }

    /** The published keys as a JWKS document, public parts only. */
    String publicJwks() {
        return state.publicJwks();
    }

    /** Signs with the current key. */
    String sign(JWTClaimsSet claims) {
        return sign(state.current(), claims);
    }

    /**
     * The claims of a token this issuer signed with one of its published keys (RS256; the {@code
     * exp} is not checked: an end-session {@code id_token_hint} may have expired), or null.
     */
    JWTClaimsSet verified(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            if (!JWSAlgorithm.RS256.equals(jwt.getHeader().getAlgorithm())) {
                return null;
            }
            for (RSAKey key : state.published()) {
                if (key.getKeyID().equals(jwt.getHeader().getKeyID())
                        && jwt.verify(new RSASSAVerifier(key.toRSAPublicKey()))) {
                    return jwt.getJWTClaimsSet();
                }
            }
            return null;
        } catch (java.text.ParseException | JOSEException | RuntimeException e) {
            return null;
        }
    }

    /** Signs with the given key, which need not be published (for tests of unknown keys). */
    static String sign(RSAKey key, JWTClaimsSet claims) {
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT)
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        return jwt.serialize();
    }

    /** A new RSA-2048 signing key whose kid is its RFC 7638 thumbprint, so every key has its own. */
    static RSAKey generate() {
        try {
            return new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyIDFromThumbprint(true).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an RSA key", e);
        }
    }
}
