package dev.portcullis.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.IssuerKeys;
import dev.portcullis.config.IssuerConfig;
import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Verifies the ID token of a code exchange (OIDC Core §3.1.3.7) with Nimbus: signed with one of the
 * issuer's {@code algorithms} by a key of the SAME key source that verifies its access tokens
 * ({@link IssuerKeys}); {@code iss} the issuer exactly; {@code aud} containing the {@code client_id}
 * and, when it names several audiences, {@code azp} equal to it; {@code nonce} equal to the one the
 * browser's sign-in cookie holds; {@code exp} not passed and {@code iat} not in the future, each
 * with the issuer's {@code clock_skew}; a {@code sub}.
 */
public final class IdTokenVerifier {

    /** Why an ID token was refused (for the log; the answer is {@code id_token_invalid} whatever it is). */
    public static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Invalid(String why) {
            super(why, null, false, false);
        }
    }

    private final IssuerConfig issuer;
    private final String clientId;
    private final Set<JWSAlgorithm> algorithms;
    private final Clock clock;

    public IdTokenVerifier(IssuerConfig issuer, String clientId, Clock clock) {
        this.issuer = issuer;
        this.clientId = clientId;
        Set<JWSAlgorithm> algs = new HashSet<>();
        issuer.algorithms().forEach(a -> algs.add(JWSAlgorithm.parse(a)));
        this.algorithms = Set.copyOf(algs);
        this.clock = clock;
    }

    /**
     * The verified token's claims; completes exceptionally with {@link Invalid}, or with an
     * {@link IOException} when the issuer's keys cannot be had. A {@code kid} the
     * key source does not hold yet is refetched once (rate-limited by the key source itself).
     */
    public CompletableFuture<JWTClaimsSet> verify(String idToken, String nonce, IssuerKeys keys) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(idToken);
        } catch (ParseException | RuntimeException e) {
            return CompletableFuture.failedFuture(new Invalid("not a signed JWT"));
        }
        String kid = jwt.getHeader().getKeyID();
        if (keys.find(kid) == null) {
            // Not loaded yet: wait for the first load, unless it already failed (then answer at once).
            CompletableFuture<Void> wait = !keys.isLoaded() ? (keys.lastFetchFailed() ? null : keys.firstLoad())
                    : keys.refetchForUnknownKid();
            if (wait != null) {
                return wait.orTimeout(5, TimeUnit.SECONDS).handle((v, e) -> checkWithKeys(jwt, nonce, keys, kid));
            }
        }
        try {
            return CompletableFuture.completedFuture(checkWithKeys(jwt, nonce, keys, kid));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e instanceof CompletionException c ? c.getCause() : e);
        }
    }

    /**
     * Blame split as for access tokens: keys we cannot get (never loaded, or the keys endpoint
     * failing when a kid is unknown) are our outage, an {@link IOException}, not the token's fault.
     */
    private JWTClaimsSet checkWithKeys(SignedJWT jwt, String nonce, IssuerKeys keys, String kid) {
        IssuerKeys.VerificationKey key = keys.find(kid);
        if (key == null && (!keys.isLoaded() || keys.lastFetchFailed())) {
            throw new CompletionException(new IOException("the issuer's keys are unavailable"));
        }
        return check(jwt, nonce, key);
    }

    /** The checks, in order; throws {@link Invalid} at the first that fails. */
    JWTClaimsSet check(SignedJWT jwt, String nonce, IssuerKeys.VerificationKey key) {
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (!algorithms.contains(alg)) {
            throw new Invalid("algorithm " + alg + " is not among the issuer's algorithms");
        }
        if (jwt.getHeader().getCriticalParams() != null && !jwt.getHeader().getCriticalParams().isEmpty()) {
            throw new Invalid("critical header parameters");
        }
        if (key == null) {
            throw new Invalid("no key of the issuer's for kid " + jwt.getHeader().getKeyID());
        }
        if (key.jwk().getAlgorithm() != null && !key.jwk().getAlgorithm().equals(alg)) {
            throw new Invalid("the key is for another algorithm");
        }
        JWTClaimsSet c;
        try {
            if (!jwt.verify(key.verifier())) {
                throw new Invalid("signature does not verify");
            }
            c = jwt.getJWTClaimsSet();
        } catch (JOSEException | ParseException | IllegalStateException e) {
            throw new Invalid("signature does not verify");
        }
        if (!issuer.issuer().equals(c.getIssuer())) {
            throw new Invalid("iss is not the issuer");
        }
        List<String> aud = c.getAudience();
        if (aud == null || !aud.contains(clientId)) {
            throw new Invalid("aud does not contain the client_id");
        }
        Object azp = c.getClaim("azp");
        if ((aud.size() > 1 || azp != null) && !clientId.equals(azp)) {
            throw new Invalid("azp is not the client_id");
        }
        Object tokenNonce = c.getClaim("nonce");
        if (!(tokenNonce instanceof String n) || !MessageDigest.isEqual(n.getBytes(StandardCharsets.UTF_8),
                nonce.getBytes(StandardCharsets.UTF_8))) {
            throw new Invalid("nonce is not the sign-in's");
        }
        long now = clock.millis();
        long skew = issuer.clockSkew().toMillis();
        Date exp = c.getExpirationTime();
        if (exp == null || exp.getTime() + skew <= now) {
            throw new Invalid("expired");
        }
        Date iat = c.getIssueTime();
        if (iat == null || iat.getTime() - skew > now) {
            throw new Invalid("iat missing or in the future");
        }
        if (c.getSubject() == null || c.getSubject().isEmpty()) {
            throw new Invalid("no sub");
        }
        return c;
    }
}
