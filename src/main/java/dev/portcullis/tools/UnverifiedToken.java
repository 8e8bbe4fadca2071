package dev.portcullis.tools;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWTClaimsSet;
import dev.portcullis.authn.ClaimsResult;
import dev.portcullis.authn.ClaimsValidator;
import dev.portcullis.authn.TokenDecoding;
import dev.portcullis.vocab.Reason;
import dev.portcullis.config.IssuerConfig;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a JWT's claims <em>without verifying its signature</em>, in the authenticator's order
 * (parse, issuer by {@code iss}, algorithm, then claims), through the proxy's own code: the token
 * is decoded by {@link TokenDecoding} and the identity read by {@link ClaimsValidator#identify}
 * (groups from the issuer's {@code groups_claim}, scopes from the {@code scp} array or the
 * {@code scope} string, the e-mail from {@code email_claim}).
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
        TokenDecoding decoding = TokenDecoding.decode(token.trim());
        if (!(decoding instanceof TokenDecoding.Decoded decoded)) {
            TokenDecoding.Undecodable u = (TokenDecoding.Undecodable) decoding;
            return new Caller.Refused(null, u.reason(), u.detail());
        }
        String iss = decoded.iss();
        Optional<IssuerConfig> found = iss == null ? Optional.empty() : model.issuerByIss(iss);
        if (found.isEmpty()) {
            return new Caller.Refused(null, Reason.ISSUER_UNKNOWN, "iss '" + iss + "' is no configured issuer");
        }
        IssuerConfig issuer = found.get();
        JWSHeader header = decoded.header();
        if (!issuer.algorithms().contains(header.getAlgorithm().getName())) {
            return new Caller.Refused(issuer.id(), Reason.ALGORITHM_REJECTED, "alg " + header.getAlgorithm()
                    + " is not among issuer '" + issuer.id() + "' algorithms " + issuer.algorithms());
        }
        if (decoded.hasCriticalParams()) {
            return new Caller.Refused(issuer.id(), Reason.TOKEN_MALFORMED, "critical header parameters "
                    + header.getCriticalParams());
        }
        return identity(issuer, decoded.claims(), clock);
    }

    /** The identity as the proxy's claims validator reads it, with every time check a note instead. */
    private static Caller identity(IssuerConfig issuer, JWTClaimsSet claims, Clock clock) {
        ClaimsValidator validator = new ClaimsValidator(issuer, clock, null);
        ClaimsResult result = validator.identify(claims);
        if (result instanceof ClaimsResult.Invalid invalid) {
            String detail = invalid.reason() == Reason.AUDIENCE_MISMATCH
                    ? "aud " + claims.getAudience() + " has none of " + issuer.audiences() : invalid.problem();
            return new Caller.Refused(issuer.id(), invalid.reason(), detail);
        }
        List<String> notes = new ArrayList<>();
        notes.add(NOT_VERIFIED);
        for (Reason failed : validator.timeFailures(claims)) {
            notes.add(timeNote(failed, issuer, claims));
        }
        return new Caller.Claimed(((ClaimsResult.Valid) result).identity(), true, "token", notes);
    }

    /** What the proxy would refuse today, reported rather than decided: the policy is the subject. */
    private static String timeNote(Reason failed, IssuerConfig issuer, JWTClaimsSet claims) {
        return switch (failed) {
            case TOKEN_EXPIRED -> "token expired at " + claims.getExpirationTime().toInstant()
                    + ": the proxy would answer 401 token_expired";
            case TOKEN_NOT_YET_VALID -> "token not valid before " + claims.getNotBeforeTime().toInstant()
                    + ": the proxy would answer 401 token_not_yet_valid";
            case TOKEN_ISSUED_IN_FUTURE -> "token issued in the future: the proxy would answer 401"
                    + " token_issued_in_future";
            default -> "token lifetime exceeds max_token_lifetime " + issuer.maxTokenLifetime()
                    + " (or no iat): the proxy would answer 401 token_lifetime_too_long";
        };
    }
}
