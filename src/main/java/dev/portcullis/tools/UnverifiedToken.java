package dev.portcullis.tools;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.vocab.Identity;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.IssuerConfig;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a JWT's claims <em>without verifying its signature</em>, in the authenticator's order
 * (parse, issuer by {@code iss}, algorithm, then claims), and the identity the way the proxy's
 * claims validator reads it: groups from the issuer's {@code groups_claim}, scopes from the
 * {@code scp} array or the {@code scope} string, the e-mail from {@code email_claim}.
 *
 * <p>Anyone can write a token that decodes; this is a debugging aid for a policy, never a check
 * of identity. Time checks ({@code exp}, {@code nbf}, {@code iat}, lifetime) become notes, so a
 * token copied an hour ago can still be explained.
 */
public final class UnverifiedToken {
    static final String NOT_VERIFIED = "token signature NOT verified: the claims are read as written, which proves"
            + " nothing about who sent them";

    private UnverifiedToken() {
    }

    public static Caller decode(PolicyModel model, String token, Clock clock) {
        JWT jwt;
        try {
            jwt = JWTParser.parse(token.trim());
        } catch (ParseException e) {
            return new Caller.Refused(null, Reason.TOKEN_MALFORMED, "not a JWT: " + e.getMessage());
        }
        if (jwt instanceof PlainJWT) {
            return new Caller.Refused(null, Reason.ALGORITHM_REJECTED, "unsigned token (alg none)");
        }
        if (!(jwt instanceof SignedJWT signed)) {
            return new Caller.Refused(null, Reason.TOKEN_MALFORMED, "an encrypted token (JWE), not a signed one");
        }
        JWTClaimsSet claims;
        String iss;
        try {
            claims = signed.getJWTClaimsSet();
            iss = claims.getStringClaim("iss");
        } catch (ParseException e) {
            return new Caller.Refused(null, Reason.TOKEN_MALFORMED, "unreadable claims: " + e.getMessage());
        }
        Optional<IssuerConfig> found = iss == null ? Optional.empty() : model.issuerByIss(iss);
        if (found.isEmpty()) {
            return new Caller.Refused(null, Reason.ISSUER_UNKNOWN, "iss '" + iss + "' is no configured issuer");
        }
        IssuerConfig issuer = found.get();
        JWSHeader header = signed.getHeader();
        if (!issuer.algorithms().contains(header.getAlgorithm().getName())) {
            return new Caller.Refused(issuer.id(), Reason.ALGORITHM_REJECTED, "alg " + header.getAlgorithm()
                    + " is not among issuer '" + issuer.id() + "' algorithms " + issuer.algorithms());
        }
        if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
            return new Caller.Refused(issuer.id(), Reason.TOKEN_MALFORMED, "critical header parameters "
                    + header.getCriticalParams());
        }
        return identity(issuer, claims, clock);
    }

    private static Caller identity(IssuerConfig issuer, JWTClaimsSet claims, Clock clock) {
        if (claims.getExpirationTime() == null) {
            return new Caller.Refused(issuer.id(), Reason.CLAIMS_INVALID, "no exp claim");
        }
        if (claims.getAudience().stream().noneMatch(issuer.audiences()::contains)) {
            return new Caller.Refused(issuer.id(), Reason.AUDIENCE_MISMATCH, "aud " + claims.getAudience()
                    + " has none of " + issuer.audiences());
        }
        Object sub = claims.getClaim("sub");
        if (!(sub instanceof String subject) || subject.isEmpty()) {
            return new Caller.Refused(issuer.id(), Reason.CLAIMS_INVALID, "no sub claim (or not a string)");
        }
        Set<String> groups = ClaimShapes.strings(claims.getClaim(issuer.groupsClaim()), false);
        Set<String> scopes = ClaimShapes.scopes(claims);
        if (groups == null || scopes == null) {
            return new Caller.Refused(issuer.id(), Reason.CLAIMS_INVALID, "claim '" + (groups == null
                    ? issuer.groupsClaim() : "scp/scope") + "' is neither a string nor an array of strings");
        }
        Object email = claims.getClaim(issuer.emailClaim());
        Object cid = claims.getClaim("cid") != null ? claims.getClaim("cid") : claims.getClaim("client_id");
        if ((email != null && !(email instanceof String)) || (cid != null && !(cid instanceof String))) {
            return new Caller.Refused(issuer.id(), Reason.CLAIMS_INVALID, "email or client id is not a string");
        }
        List<String> notes = new ArrayList<>();
        notes.add(NOT_VERIFIED);
        notes.addAll(timeNotes(issuer, claims, clock));
        long exp = claims.getExpirationTime().getTime() / 1000;
        Identity identity = new Identity(issuer.id(), subject, groups, scopes, (String) email, claims.getJWTID(),
                (String) cid, exp, plain(claims));
        return new Caller.Claimed(identity, true, "token", notes);
    }

    /** What the proxy would refuse today, reported rather than decided: the policy is the subject. */
    private static List<String> timeNotes(IssuerConfig issuer, JWTClaimsSet claims, Clock clock) {
        List<String> notes = new ArrayList<>();
        long now = clock.millis() / 1000;
        long skew = issuer.clockSkew().toSeconds();
        long exp = claims.getExpirationTime().getTime() / 1000;
        Date nbf = claims.getNotBeforeTime();
        Date iat = claims.getIssueTime();
        if (now > exp + skew) {
            notes.add("token expired at " + Instant.ofEpochSecond(exp) + ": the proxy would answer 401 token_expired");
        }
        if (nbf != null && now + skew < nbf.getTime() / 1000) {
            notes.add("token not valid before " + nbf.toInstant() + ": the proxy would answer 401 token_not_yet_valid");
        }
        if (iat != null && iat.getTime() / 1000 > now + skew) {
            notes.add("token issued in the future: the proxy would answer 401 token_issued_in_future");
        }
        if (issuer.maxTokenLifetime() != null
                && (iat == null || exp - iat.getTime() / 1000 > issuer.maxTokenLifetime().toSeconds())) {
            notes.add("token lifetime exceeds max_token_lifetime " + issuer.maxTokenLifetime()
                    + " (or no iat): the proxy would answer 401 token_lifetime_too_long");
        }
        return notes;
    }

    private static Map<String, Object> plain(JWTClaimsSet claims) {
        Map<String, Object> out = new HashMap<>();
        claims.getClaims().forEach((k, v) -> {
            if (v != null) {
                out.put(k, v instanceof Date d ? d.getTime() / 1000 : v);
            }
        });
        return out;
    }
}
