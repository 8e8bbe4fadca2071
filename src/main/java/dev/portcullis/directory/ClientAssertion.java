package dev.portcullis.directory;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.util.Base64;
import java.util.Date;
import java.util.UUID;

/**
 * The {@code private_key_jwt} client assertion (RFC 7523) a service app authenticates with at
 * {@code {org}/oauth2/v1/token}: {@code iss} = {@code sub} = the client id, {@code aud} = the token
 * endpoint, a fresh {@code jti}, and a short {@code exp}. Also the browser sign-in client's
 * ({@code oidc/ClientAuthentication}). Signed by Nimbus with the PEM key
 * (PKCS#8, {@code BEGIN PRIVATE KEY}; RSA: RS256, EC P-256: ES256) read once at start.
 */
public final class ClientAssertion {
    /** Okta accepts assertions valid for at most an hour; a short one is useless to whoever copies it. */
    static final long LIFETIME_SECONDS = 60;

    private final String clientId;
    private final String audience;
    private final JWSSigner signer;
    private final JWSAlgorithm algorithm;
    private final Clock clock;

    public ClientAssertion(String clientId, String tokenEndpoint, PrivateKey key, Clock clock) {
        this.clientId = clientId;
        this.audience = tokenEndpoint;
        this.clock = clock;
        if (key instanceof ECPrivateKey ec) {
            try {
                this.signer = new ECDSASigner(ec);
            } catch (JOSEException e) {
                throw new IllegalArgumentException("service_app private key: " + e.getMessage(), e);
            }
            this.algorithm = JWSAlgorithm.ES256;
        } else {
            this.signer = new RSASSASigner(key);
            this.algorithm = JWSAlgorithm.RS256;
        }
    }

    /** A new signed assertion (each with its own {@code jti}: Okta refuses one it has seen). */
    public String next() {
        long now = clock.millis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(clientId).audience(audience)
                .jwtID(UUID.randomUUID().toString()).issueTime(new Date(now))
                .expirationTime(new Date(now + LIFETIME_SECONDS * 1000)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(algorithm).build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("signing the client assertion: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

    /** Reads a PKCS#8 PEM private key (RSA or EC); the JDK decodes it, nothing hand-made. */
    public static PrivateKey readKey(Path file) throws IOException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(file + ": expected a PKCS#8 PEM private key (-----BEGIN PRIVATE KEY-----);"
                    + " convert one with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        for (String type : new String[] {"RSA", "EC"}) {
            try {
                return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                // try the next key type
            }
        }
        throw new IOException(file + ": neither an RSA nor an EC private key");
    }
}
