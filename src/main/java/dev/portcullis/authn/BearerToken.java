package dev.portcullis.authn;

import dev.portcullis.vocab.Reason;
import java.util.List;

/** Reads the bearer token from the {@code Authorization} header, and nowhere else. */
public final class BearerToken {
    private BearerToken() {
    }

    /** Either a token or the reason there is none usable. */
    public record Extracted(String token, Reason failure) {
    }

    private static final Extracted MISSING = new Extracted(null, Reason.TOKEN_MISSING);
    private static final Extracted MALFORMED = new Extracted(null, Reason.TOKEN_MALFORMED);
    private static final Extracted DUPLICATED = new Extracted(null, Reason.AUTHORIZATION_DUPLICATED);
    private static final Extracted TOO_LARGE = new Extracted(null, Reason.TOKEN_TOO_LARGE);

    /**
     * @param values every {@code Authorization} header value of the request
     * @param maxTokenBytes longer tokens are refused before any parsing
     */
    public static Extracted extract(List<String> values, int maxTokenBytes) {
        if (values.isEmpty()) {
            return MISSING;
        }
        // Two Authorization headers could be read differently by us and by the upstream: refuse.
        if (values.size() > 1) {
            return DUPLICATED;
        }
        String v = values.get(0);
        if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            // Some other scheme (Basic, Digest…) is not a bearer token: treat as none presented
            // (RFC 6750 §3.1: no error code). "Bearer" alone is a bearer token left out: malformed.
            return v.length() == 6 && v.regionMatches(true, 0, "Bearer", 0, 6) ? MALFORMED : MISSING;
        }
        int start = 7;
        while (start < v.length() && v.charAt(start) == ' ') {
            start++;
        }
        int end = v.length();
        while (end > start && v.charAt(end - 1) == ' ') {
            end--;
        }
        if (end - start > maxTokenBytes) {
            return TOO_LARGE;
        }
        if (end == start) {
            return MALFORMED;
        }
        for (int i = start; i < end; i++) {
            char c = v.charAt(i);
            // RFC 6750 b64token: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" followed by "="s.
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
            if (!ok) {
                return MALFORMED;
            }
        }
        return new Extracted(v.substring(start, end), null);
    }
}
