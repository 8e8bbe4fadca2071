package dev.portcullis.authn;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.authn.AuthResult.Authenticated;
import dev.portcullis.authn.AuthResult.AwaitKeys;
import dev.portcullis.authn.AuthResult.Refused;
import dev.portcullis.authz.Identity;
import dev.portcullis.authz.Reason;
import dev.portcullis.config.IssuerConfig;
import java.text.ParseException;
import java.time.Clock;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Verifies bearer tokens: parse, pick the issuer by {@code iss}, check the algorithm, find the
 * key, verify the signature with that issuer's keys only, then validate the claims.
 *
 * <p>Blame is split: a bad token is a 401; keys we cannot get are a 503, never a 401.
 */
public final class Authenticator {
    private static final Refused MALFORMED = new Refused(Reason.TOKEN_MALFORMED);

    /** One configured issuer: its key source, accepted algorithms and claim checks. */
    private record TrustedIssuer(IssuerConfig config, IssuerKeys keys, Set<JWSAlgorithm> algorithms,
            ClaimsValidator claims) {
    }

    private final Map<String, TrustedIssuer> byIss;

    public Authenticator(List<IssuerConfig> issuers, Map<String, IssuerKeys> keysById, Clock clock) {
        Map<String, TrustedIssuer> map = new HashMap<>();
        for (IssuerConfig c : issuers) {
            Set<JWSAlgorithm> algs = new HashSet<>();
            c.algorithms().forEach(a -> algs.add(JWSAlgorithm.parse(a)));
            map.put(c.issuer(), new TrustedIssuer(c, keysById.get(c.id()), Set.copyOf(algs),
                    new ClaimsValidator(c, clock)));
        }
        this.byIss = Map.copyOf(map);
    }

    /**
     * @param token    the bearer token (length already bounded)
     * @param accepted issuer ids the route accepts, or null for all
     * @param mayWait  whether a key fetch may be awaited; false on the retry after waiting
     */
    public AuthResult authenticate(String token, Set<String> accepted, boolean mayWait) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token);
        } catch (ParseException e) {
            return MALFORMED;
        }
        if (jwt instanceof PlainJWT) {
            return new Refused(Reason.ALGORITHM_REJECTED);
        }
        if (jwt instanceof EncryptedJWT || !(jwt instanceof SignedJWT signed)) {
            return MALFORMED;
        }
        JWTClaimsSet claims;
        String iss;
        try {
            claims = signed.getJWTClaimsSet();
            iss = claims.getStringClaim("iss");
        } catch (ParseException e) {
            return MALFORMED;
        }
        // The issuer named by an unverified token only chooses which keys to verify with; a
        // forged iss just means the signature will not verify with that issuer's keys.
        TrustedIssuer issuer = iss == null ? null : byIss.get(iss);
        if (issuer == null) {
            return new Refused(Reason.ISSUER_UNKNOWN);
        }
        if (accepted != null && !accepted.contains(issuer.config().id())) {
            return new Refused(Reason.ISSUER_NOT_ACCEPTED);
        }
        JWSHeader header = signed.getHeader();
        if (!issuer.algorithms().contains(header.getAlgorithm())) {
            return new Refused(Reason.ALGORITHM_REJECTED);
        }
        // We implement no critical extension, so any "crit" makes the token unusable (RFC 7515 §4.1.11).
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return MALFORMED;
        }
        IssuerKeys keys = issuer.keys();
        IssuerKeys.VerificationKey key = keys.find(header.getKeyID());
        if (key == null) {
            return missingKey(keys, mayWait);
        }
        if (key.jwk().getAlgorithm() != null && !key.jwk().getAlgorithm().equals(header.getAlgorithm())) {
            return new Refused(Reason.ALGORITHM_REJECTED);
        }
        try {
            if (!signed.verify(key.verifier())) {
                return new Refused(Reason.SIGNATURE_INVALID);
            }
        } catch (JOSEException | IllegalStateException e) {
            return new Refused(Reason.SIGNATURE_INVALID);
        }
        Object result = issuer.claims().validate(claims);
        return result instanceof Identity id ? new Authenticated(id) : new Refused((Reason) result);
    }

    private static AuthResult missingKey(IssuerKeys keys, boolean mayWait) {
        if (!keys.isLoaded()) {
            return mayWait ? new AwaitKeys(keys.firstLoad()) : new Refused(Reason.KEYS_UNAVAILABLE);
        }
        if (!mayWait) {
            return new Refused(Reason.KEY_UNKNOWN);
        }
        CompletableFuture<Void> refetch = keys.refetchForUnknownKid();
        return refetch == null ? new Refused(Reason.KEY_UNKNOWN) : new AwaitKeys(refetch);
    }
}
