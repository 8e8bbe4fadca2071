package dev.portcullis.authn;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.IssuerConfig;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the claims of a token whose signature is already verified, and reads the caller's
 * identity from them. Each check is a few lines; each failure has its own reason.
 */
final class ClaimsValidator {
    private final IssuerConfig config;
    private final Set<String> audiences;
    private final long skewSeconds;
    private final long maxLifetimeSeconds;
    private final Clock clock;

    private final Set<String> keptClaims;

    ClaimsValidator(IssuerConfig config, Clock clock, Set<String> keptClaims) {
        this.keptClaims = keptClaims == null ? null : Set.copyOf(keptClaims);
        this.config = config;
        this.audiences = Set.copyOf(config.audiences());
        this.skewSeconds = config.clockSkew().toSeconds();
        this.maxLifetimeSeconds = config.maxTokenLifetime() == null ? -1 : config.maxTokenLifetime().toSeconds();
        this.clock = clock;
    }

    /** Returns an {@link Identity}, or the {@link Reason} the claims are refused. */
    Object validate(JWTClaimsSet claims) {
        long now = clock.millis() / 1000;
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return Reason.CLAIMS_INVALID;
        }
        long expSeconds = exp.getTime() / 1000;
        if (now > expSeconds + skewSeconds) {
            return Reason.TOKEN_EXPIRED;
        }
        Date nbf = claims.getNotBeforeTime();
        if (nbf != null && now + skewSeconds < nbf.getTime() / 1000) {
            return Reason.TOKEN_NOT_YET_VALID;
        }
        Date iat = claims.getIssueTime();
        if (iat != null && iat.getTime() / 1000 > now + skewSeconds) {
            return Reason.TOKEN_ISSUED_IN_FUTURE;
        }
        if (maxLifetimeSeconds >= 0) {
            // Short lifetimes are the point: a token that does not say when it was issued cannot show it.
            if (iat == null || expSeconds - iat.getTime() / 1000 > maxLifetimeSeconds) {
                return Reason.TOKEN_LIFETIME_TOO_LONG;
            }
        }
        List<String> aud = claims.getAudience();
        boolean audOk = false;
        for (String a : aud) {
            if (audiences.contains(a)) {
                audOk = true;
                break;
            }
        }
        if (!audOk) {
            return Reason.AUDIENCE_MISMATCH;
        }
        try {
            String sub = claims.getStringClaim("sub");
            if (sub == null || sub.isEmpty()) {
                return Reason.CLAIMS_INVALID;
            }
            Set<String> groups = stringSet(claims.getClaim(config.groupsClaim()), false);
            Set<String> scopes = scopes(claims);
            if (groups == null || scopes == null) {
                return Reason.CLAIMS_INVALID;
            }
            String email = optionalString(claims, config.emailClaim());
            String cid = optionalString(claims, "cid");
            if (cid == null) {
                cid = optionalString(claims, "client_id");
            }
            return new Identity(config.id(), sub, groups, scopes, email, claims.getJWTID(), cid, expSeconds,
                    plainClaims(claims, keptClaims));
        } catch (ParseException e) {
            return Reason.CLAIMS_INVALID;
        }
    }

    private static String optionalString(JWTClaimsSet claims, String name) throws ParseException {
        Object v = claims.getClaim(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw new ParseException("claim " + name + " is not a string", 0);
        }
        return s;
    }

    /** Okta's {@code scp} is an array; RFC 9068's {@code scope} is a space-separated string. */
    private static Set<String> scopes(JWTClaimsSet claims) {
        Object scp = claims.getClaim("scp");
        if (scp != null) {
            return stringSet(scp, true);
        }
        Object scope = claims.getClaim("scope");
        if (scope == null) {
            return Set.of();
        }
        if (!(scope instanceof String s)) {
            return null;
        }
        Set<String> out = new java.util.LinkedHashSet<>();
        for (String part : s.split(" ")) {
            if (!part.isEmpty()) {
                out.add(part);
            }
        }
        return out;
    }

    /** An array of strings, or one string; null for any other shape (the token is then refused). */
    private static Set<String> stringSet(Object value, boolean splitString) {
        if (value == null) {
            return Set.of();
        }
        if (value instanceof String s) {
            if (!splitString) {
                return Set.of(s);
            }
            // Not Set.of(split): a repeated scope or a run of spaces would make it throw.
            Set<String> out = new java.util.LinkedHashSet<>();
            for (String part : s.split(" ")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
            return out;
        }
        if (value instanceof List<?> list) {
            Set<String> out = new java.util.LinkedHashSet<>(list.size() * 2);
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    return null;
                }
                out.add(s);
            }
            return out;
        }
        return null;
    }

    /** The claims kept in the identity: those rules can ask about (all of them when unknown). */
    private static Map<String, Object> plainClaims(JWTClaimsSet claims, Set<String> kept) {
        Map<String, Object> out = new HashMap<>();
        for (Map.Entry<String, Object> e : claims.getClaims().entrySet()) {
            if (kept != null && !kept.contains(e.getKey())) {
                continue;
            }
            Object v = e.getValue();
            if (v instanceof Date d) {
                v = d.getTime() / 1000;
            }
            if (v != null) {
                out.put(e.getKey(), v);
            }
        }
        return out;
    }
}
