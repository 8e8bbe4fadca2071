package dev.portcullis.authn;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jwt.JWT;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.JWTParser;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.portcullis.vocab.Reason;
import java.text.ParseException;

/**
 * The first step with a bearer token, before any key is looked at: Nimbus parses it, and only a
 * signed JWT (JWS) with readable claims goes on. The proxy's {@link Authenticator} and the policy
 * tools' unverified reading both decode through here, so they refuse the same tokens alike.
 */
public sealed interface TokenDecoding {

    /** A signed JWT, its claims and the {@code iss} it names (not yet trusted: null when absent). */
    record Decoded(SignedJWT jwt, JWTClaimsSet claims, String iss) implements TokenDecoding {
        public JWSHeader header() {
            return jwt.getHeader();
        }

        /**
         * Whether the header names critical parameters: we implement no critical extension, so
         * any {@code crit} makes the token unusable (RFC 7515 §4.1.11).
         */
        public boolean hasCriticalParams() {
            JWSHeader h = jwt.getHeader();
            return h.getCriticalParams() != null && !h.getCriticalParams().isEmpty();
        }
    }

    /**
     * Not a usable token.
     *
     * @param reason  the reason code the proxy answers with
     * @param problem what is wrong, in a few words
     * @param cause   the parser's complaint, or null
     */
    record Undecodable(Reason reason, String problem, ParseException cause) implements TokenDecoding {
        /** The problem with the parser's message, for people (the policy tools). */
        public String detail() {
            return cause == null ? problem : problem + ": " + cause.getMessage();
        }
    }

    Undecodable UNSIGNED = new Undecodable(Reason.ALGORITHM_REJECTED, "unsigned token (alg none)", null);
    Undecodable ENCRYPTED = new Undecodable(Reason.TOKEN_MALFORMED, "an encrypted token (JWE), not a signed one",
            null);

    /**
     * Parses a token; never throws. A compact JWS (three parts whose header names a JWS algorithm)
     * is parsed once, by {@link SignedJWT#parse}: {@link JWTParser#parse} would decode and parse the
     * header's JSON a first time only to choose the type, and then again in the type's own parse.
     * Anything else takes {@link JWTParser} as before, which sorts plain, encrypted and malformed
     * tokens with their reasons.
     */
    static TokenDecoding decode(String token) {
        SignedJWT signed = compactJws(token);
        if (signed == null) {
            JWT jwt;
            try {
                jwt = JWTParser.parse(token);
            } catch (ParseException e) {
                return new Undecodable(Reason.TOKEN_MALFORMED, "not a JWT", e);
            }
            if (jwt instanceof PlainJWT) {
                return UNSIGNED;
            }
            if (!(jwt instanceof SignedJWT s)) {
                return ENCRYPTED;
            }
            signed = s;
        }
        try {
            JWTClaimsSet claims = signed.getJWTClaimsSet();
            return new Decoded(signed, claims, claims.getStringClaim("iss"));
        } catch (ParseException e) {
            return new Undecodable(Reason.TOKEN_MALFORMED, "unreadable claims", e);
        }
    }

    /** The token as a JWS when it is three parts with a JWS header, else null (the caller sorts it out). */
    private static SignedJWT compactJws(String token) {
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (second < 0 || token.indexOf('.', second + 1) >= 0) {
            return null;
        }
        try {
            return SignedJWT.parse(token); // the same header parse JWTParser ends in for a JWS
        } catch (ParseException e) {
            return null;
        }
    }
}
