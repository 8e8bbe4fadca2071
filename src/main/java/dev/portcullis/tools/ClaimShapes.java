package dev.portcullis.tools;

import com.nimbusds.jwt.JWTClaimsSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The claim shapes the proxy accepts for groups and scopes, as {@code authn.ClaimsValidator}
 * reads them (kept in step by {@code UnverifiedTokenTest}): a string or an array of strings,
 * anything else refused.
 */
final class ClaimShapes {
    private ClaimShapes() {
    }

    /** Okta's {@code scp} is an array; RFC 9068's {@code scope} is a space-separated string. */
    static Set<String> scopes(JWTClaimsSet claims) {
        Object scp = claims.getClaim("scp");
        if (scp != null) {
            return strings(scp, true);
        }
        Object scope = claims.getClaim("scope");
        if (scope == null) {
            return Set.of();
        }
        return scope instanceof String ? strings(scope, true) : null;
    }

    /** An array of strings, or one string (split on spaces when asked); null for any other shape. */
    static Set<String> strings(Object value, boolean splitString) {
        if (value == null) {
            return Set.of();
        }
        Set<String> out = new LinkedHashSet<>();
        if (value instanceof String s) {
            if (!splitString) {
                return Set.of(s);
            }
            for (String part : s.split(" ")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
            return out;
        }
        if (value instanceof List<?> list) {
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
}
