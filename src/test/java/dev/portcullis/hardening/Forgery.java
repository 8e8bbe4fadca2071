package dev.portcullis.hardening;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.it.Harness;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/** Building blocks for hand-made tokens: claims that would pass, headers and signatures that must not. */
final class Forgery {
    private Forgery() {
    }

    /** Claims of a caller in group {@code admins}, valid for two minutes, for the given {@code iss}. */
    static JWTClaimsSet adminClaims(String issuer) {
        Date now = new Date();
        return new JWTClaimsSet.Builder().issuer(issuer).subject("mallory").audience(Harness.AUDIENCE)
                .issueTime(now).notBeforeTime(now).expirationTime(new Date(now.getTime() + 120_000))
                .jwtID(UUID.randomUUID().toString()).claim("groups", List.of("admins")).build();
    }

    static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    /** A JSON text as one base64url part of a compact JWS. */
    static String part(String json) {
        return Base64URL.encode(json.getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The public key as DER (SubjectPublicKeyInfo). */
    static byte[] der(RSAKey key) {
        try {
            return key.toRSAPublicKey().getEncoded();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key as PEM text, the form most "alg confusion" write-ups use as the HMAC secret. */
    static byte[] pem(RSAKey key) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der(key));
        return ("-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n")
                .getBytes(StandardCharsets.US_ASCII);
    }
}
