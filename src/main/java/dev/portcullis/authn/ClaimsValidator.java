package dev.portcullis.authn;

import com.nimbusds.jwt.JWTClaimsSet;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.IssuerConfig;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks the claims of a token whose signature is already verified, and reads the caller's
 * identity from them. Each check is a few lines; each failure has its own reason. The policy
 * tools read unverified tokens with the same checks ({@link #identify}, {@link #timeFailures}),
 * so the claim shapes the proxy accepts are written once.
 */
public final class ClaimsValidator {
    private static final ClaimsResult.Invalid NO_EXP = new ClaimsResult.Invalid(Reason.CLAIMS_INVALID, "no exp claim");
    private static final ClaimsResult.Invalid NO_SUB = new ClaimsResult.Invalid(Reason.CLAIMS_INVALID,
            "no sub claim (or not a string)");
    private static final ClaimsResult.Invalid AUDIENCE = new ClaimsResult.Invalid(Reason.AUDIENCE_MISMATCH,
            "aud has none of the issuer's audiences");
    private static final ClaimsResult.Invalid SCOPES = new ClaimsResult.Invalid(Reason.CLAIMS_INVALID,
            "claim 'scp/scope' is neither a string nor an array of strings");
    private static final ClaimsResult.Invalid NOT_STRING = new ClaimsResult.Invalid(Reason.CLAIMS_INVALID,
            "email or client id is not a string");
    private static final ClaimsResult.Invalid EXPIRED = new ClaimsResult.Invalid(Reason.TOKEN_EXPIRED, "expired");
    private static final ClaimsResult.Invalid NOT_YET_VALID = new ClaimsResult.Invalid(Reason.TOKEN_NOT_YET_VALID,
            "not yet valid");
    private static final ClaimsResult.Invalid IN_FUTURE = new ClaimsResult.Invalid(Reason.TOKEN_ISSUED_IN_FUTURE,
            "issued in the future");
    private static final ClaimsResult.Invalid TOO_LONG = new ClaimsResult.Invalid(Reason.TOKEN_LIFETIME_TOO_LONG,
            "lifetime too long (or no iat)");

    private final IssuerConfig config;
    private final Set<String> audiences;
    private final long skewSeconds;
    private final long maxLifetimeSeconds;
    private final Clock clock;
    private final ClaimsResult.Invalid groupsShape;

    private final Set<String> keptClaims;

    /** @param keptClaims the claims an identity keeps for {@code claims} conditions (null: all) */
    public ClaimsValidator(IssuerConfig config, Clock clock, Set<String> keptClaims) {
        this.keptClaims = keptClaims == null ? null : Set.copyOf(keptClaims);
        this.config = config;
        this.audiences = Set.copyOf(config.audiences());
        this.skewSeconds = config.clockSkew().toSeconds();
        this.maxLifetimeSeconds = config.maxTokenLifetime() == null ? -1 : config.maxTokenLifetime().toSeconds();
        this.clock = clock;
        this.groupsShape = new ClaimsResult.Invalid(Reason.CLAIMS_INVALID,
                "claim '" + config.groupsClaim() + "' is neither a string nor an array of strings");
    }

    /** The time checks in order, then {@link #identify}: what the proxy decides. */
    public ClaimsResult validate(JWTClaimsSet claims) {
        long now = clock.millis() / 1000;
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return NO_EXP;
        }
        long expSeconds = exp.getTime() / 1000;
        Date nbf = claims.getNotBeforeTime();
        Date iat = claims.getIssueTime();
        if (expired(now, expSeconds)) {
            return EXPIRED;
        }
        if (notYetValid(now, nbf)) {
            return NOT_YET_VALID;
        }
        if (issuedInFuture(now, iat)) {
            return IN_FUTURE;
        }
        if (lifetimeTooLong(expSeconds, iat)) {
            return TOO_LONG;
        }
        return identify(claims);
    }

    /**
     * Every time check the claims fail now, in order ({@code exp}, {@code nbf}, {@code iat},
     * lifetime): for the policy tools, which report them rather than refuse. Empty without {@code exp}.
     */
    public List<Reason> timeFailures(JWTClaimsSet claims) {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return List.of();
        }
        long now = clock.millis() / 1000;
        long expSeconds = exp.getTime() / 1000;
        Date iat = claims.getIssueTime();
        List<Reason> out = new java.util.ArrayList<>();
        if (expired(now, expSeconds)) {
            out.add(Reason.TOKEN_EXPIRED);
        }
        if (notYetValid(now, claims.getNotBeforeTime())) {
            out.add(Reason.TOKEN_NOT_YET_VALID);
        }
        if (issuedInFuture(now, iat)) {
            out.add(Reason.TOKEN_ISSUED_IN_FUTURE);
        }
        if (lifetimeTooLong(expSeconds, iat)) {
            out.add(Reason.TOKEN_LIFETIME_TOO_LONG);
        }
        return out;
    }

    private boolean expired(long now, long expSeconds) {
        return now > expSeconds + skewSeconds;
    }

    private boolean notYetValid(long now, Date nbf) {
        return nbf != null && now + skewSeconds < nbf.getTime() / 1000;
    }

    private boolean issuedInFuture(long now, Date iat) {
        return iat != null && iat.getTime() / 1000 > now + skewSeconds;
    }

    /** Short lifetimes are the point: a token that does not say when it was issued cannot show it. */
    private boolean lifetimeTooLong(long expSeconds, Date iat) {
        return maxLifetimeSeconds >= 0 && (iat == null || expSeconds - iat.getTime() / 1000 > maxLifetimeSeconds);
    }

    /**
     * The caller the claims name, with no time check: {@code exp} present, an accepted audience,
     * a {@code sub}, groups and scopes of an accepted shape, e-mail and client id strings.
     */
    public ClaimsResult identify(JWTClaimsSet claims) {
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            return NO_EXP;
        }
        boolean audOk = false;
        for (String a : claims.getAudience()) {
            if (audiences.contains(a)) {
                audOk = true;
                break;
            }
        }
        if (!audOk) {
            return AUDIENCE;
        }
        if (!(claims.getClaim("sub") instanceof String sub) || sub.isEmpty()) {
            return NO_SUB;
        }
        Set<String> groups = stringSet(claims.getClaim(config.groupsClaim()), false);
        if (groups == null) {
            return groupsShape;
        }
        Set<String> scopes = scopes(claims);
        if (scopes == null) {
            return SCOPES;
        }
        try {
            String email = optionalString(claims, config.emailClaim());
            String cid = optionalString(claims, "cid");
            if (cid == null) {
                cid = optionalString(claims, "client_id");
            }
            return new ClaimsResult.Valid(new Identity(config.id(), sub, groups, scopes, email, claims.getJWTID(),
                    cid, exp.getTime() / 1000, plainClaims(claims, keptClaims)));
        } catch (ParseException e) {
            return NOT_STRING;
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
