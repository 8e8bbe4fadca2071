package dev.portcullis.authn;

import dev.portcullis.vocab.Reason;
import java.util.List;

/**
 * Reads the bearer token from the {@code Authorization} header, and nowhere else.
 *
 * <p>The request path does not cut the token out: {@link #refusal} judges the header, and the
 * token is the region {@link #start}..{@link #end} of its one value, which the authenticator
 * hashes in place and copies only when it has to verify it ({@link TokenAuthenticator#authenticate(String,
 * int, int, java.util.Set, boolean)}). {@link #extract} is the same rules with the token cut out.
 */
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
        Reason failure = refusal(values, maxTokenBytes);
        if (failure != null) {
            return switch (failure) {
                case TOKEN_MISSING -> MISSING;
                case AUTHORIZATION_DUPLICATED -> DUPLICATED;
                case TOKEN_TOO_LARGE -> TOO_LARGE;
                default -> MALFORMED;
            };
        }
        String v = values.get(0);
        return new Extracted(v.substring(start(v), end(v)), null);
    }

    /**
     * Why the request has no usable bearer token, or null when its one {@code Authorization} value
     * holds one: then the token is {@code values.get(0)} from {@link #start} to {@link #end}.
     *
     * @param values every {@code Authorization} header value of the request
     * @param maxTokenBytes longer tokens are refused before any parsing
     */
    public static Reason refusal(List<String> values, int maxTokenBytes) {
        if (values.isEmpty()) {
            return Reason.TOKEN_MISSING;
        }
        // Two Authorization headers could be read differently by us and by the upstream: refuse.
        if (values.size() > 1) {
            return Reason.AUTHORIZATION_DUPLICATED;
        }
        String v = values.get(0);
        if (v.length() < 7 || !v.regionMatches(true, 0, "Bearer ", 0, 7)) {
            // Some other scheme (Basic, Digest…) is not a bearer token: treat as none presented
            // (RFC 6750 §3.1: no error code). "Bearer" alone is a bearer token left out: malformed.
            return v.length() == 6 && v.regionMatches(true, 0, "Bearer", 0, 6) ? Reason.TOKEN_MALFORMED
                    : Reason.TOKEN_MISSING;
        }
        int start = start(v);
        int end = end(v);
        if (end - start > maxTokenBytes) {
            return Reason.TOKEN_TOO_LARGE;
        }
        if (end <= start) {
            return Reason.TOKEN_MALFORMED;
        }
        for (int i = start; i < end; i++) {
            char c = v.charAt(i);
            // RFC 6750 b64token: ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" followed by "="s.
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-'
                    || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
            if (!ok) {
                return Reason.TOKEN_MALFORMED;
            }
        }
        return null;
    }

    /** Where the token starts in a value {@link #refusal} accepted: after {@code "Bearer "} and any spaces. */
    public static int start(String value) {
        int start = 7;
        while (start < value.length() && value.charAt(start) == ' ') {
            start++;
        }
        return start;
    }

    /** Where the token ends in a value {@link #refusal} accepted: before any trailing spaces. */
    public static int end(String value) {
        int end = value.length();
        while (end > 7 && value.charAt(end - 1) == ' ') {
            end--;
        }
        return end;
    }
}
