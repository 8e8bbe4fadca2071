package dev.portcullis.oidc;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Duration;
import java.util.Date;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The sign-in cookie: a sign-in's {@link SignInState}, sealed by Nimbus as a JWE with {@code dir}
 * and {@code A256GCM}. Encrypted, not only signed: it carries the PKCE verifier and the nonce, which
 * are worth nothing to whoever reads them only if nobody can (a log, a proxy, a browser extension);
 * AES-GCM authenticates as well, so a changed byte, another key or another kind of JWE fails to open.
 *
 * <p>Each sign-in has its own cookie, named after its {@code state} ({@link #name}), so that two tabs
 * signing in at once do not overwrite each other's. {@code HttpOnly}, {@code SameSite=Lax} (the
 * callback is a top-level navigation from the issuer, which Lax lets the cookie ride along with),
 * {@code Path=/}, {@code Max-Age} of {@code sessions.sign_in_timeout}; {@code Secure} and the
 * {@code __Host-} prefix unless on plain HTTP on loopback, like the session cookie.
 */
public final class SignInCookies {
    /** How many sign-in cookies a browser may hold at once; a sign-in that finds more clears them. */
    public static final int MAX_PENDING = 5;
    private static final int TAG_LENGTH = 12;
    private static final JOSEObjectType TYPE = new JOSEObjectType("portcullis-sign-in");
    private static final JWEHeader HEADER = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
            .type(TYPE).build();

    private final DirectEncrypter encrypter;
    private final DirectDecrypter decrypter;
    private final String prefix;
    private final boolean secure;
    private final long maxAgeSeconds;

    /**
     * @param key     at least 32 bytes ({@link #keyFrom}, {@link #randomKey}); an AES-256 key is derived from it
     * @param secure  {@code Secure} and {@code __Host-}: every listener but plain HTTP on loopback
     * @param timeout {@code sessions.sign_in_timeout}
     */
    public SignInCookies(byte[] key, boolean secure, Duration timeout) {
        if (key.length < 32) {
            throw new IllegalArgumentException("the sign-in cookie key needs at least 32 bytes");
        }
        SecretKey aes = new SecretKeySpec(derive(key), "AES");
        try {
            this.encrypter = new DirectEncrypter(aes);
            this.decrypter = new DirectDecrypter(aes);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        this.secure = secure;
        this.prefix = new dev.portcullis.session.SessionCookie(secure).signInPrefix();
        this.maxAgeSeconds = Math.max(1, timeout.toSeconds());
    }

    /** The key in {@code sessions.key_file}: at least 32 bytes, else an {@link IOException} naming the file. */
    public static byte[] keyFrom(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        if (bytes.length < 32) {
            throw new IOException(file + ": sessions.key_file needs at least 32 random bytes (has " + bytes.length
                    + "); make one with: head -c 32 /dev/urandom > " + file);
        }
        return bytes;
    }

    /** A random key for this process: a sign-in under way across a restart starts again. */
    public static byte[] randomKey() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    /** What every sign-in cookie's name starts with. */
    public String prefix() {
        return prefix;
    }

    /** The cookie of the sign-in with this {@code state}. */
    public String name(String state) {
        return prefix + state.substring(0, Math.min(TAG_LENGTH, state.length()));
    }

    /** The {@code Set-Cookie} value that binds a sign-in to the browser. */
    public String set(SignInState s) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().claim("st", s.state()).claim("nn", s.nonce())
                .claim("cv", s.verifier()).claim("rt", s.returnTo()).claim("is", s.issuerId())
                .expirationTime(new Date(s.expiresAtMillis())).build();
        EncryptedJWT jwt = new EncryptedJWT(HEADER, claims);
        try {
            jwt.encrypt(encrypter);
        } catch (JOSEException e) {
            throw new IllegalStateException("sealing the sign-in cookie: " + e.getMessage(), e);
        }
        return name(s.state()) + "=" + jwt.serialize() + attributes(maxAgeSeconds);
    }

    /** The {@code Set-Cookie} value that removes the cookie of this name. */
    public String clear(String name) {
        return name + "=" + attributes(0);
    }

    private String attributes(long maxAge) {
        return "; Path=/; Max-Age=" + maxAge + "; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : "");
    }

    /**
     * The sign-in a cookie value holds, or null when it does not open: changed, sealed with another
     * key, not ours, or past its expiry at {@code nowMillis}.
     */
    public SignInState open(String value, long nowMillis) {
        try {
            EncryptedJWT jwt = EncryptedJWT.parse(value);
            JWEHeader h = jwt.getHeader();
            if (!JWEAlgorithm.DIR.equals(h.getAlgorithm()) || !EncryptionMethod.A256GCM.equals(h.getEncryptionMethod())
                    || !TYPE.equals(h.getType())) {
                return null;
            }
            jwt.decrypt(decrypter);
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            Date exp = c.getExpirationTime();
            if (exp == null || exp.getTime() <= nowMillis) {
                return null;
            }
            return new SignInState(c.getStringClaim("st"), c.getStringClaim("nn"), c.getStringClaim("cv"),
                    c.getStringClaim("rt"), c.getStringClaim("is"), exp.getTime());
        } catch (ParseException | JOSEException | IllegalStateException | NullPointerException e) {
            return null;
        }
    }

    /** The AES key: SHA-256 over a label and the key material, so the file's bytes serve this use alone. */
    private static byte[] derive(byte[] key) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update("portcullis sign-in cookie v1\0".getBytes(StandardCharsets.US_ASCII));
            return d.digest(key);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
