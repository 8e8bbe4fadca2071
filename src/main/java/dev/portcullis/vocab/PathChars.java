package dev.portcullis.vocab;

/**
 * Which characters a normalized path holds unencoded: the one predicate that the request path's
 * normalizer and the config's path patterns share, kept on the lowest rung so that both can use it.
 */
public final class PathChars {
    private PathChars() {
    }

    /**
     * Characters that may appear unencoded in a normalized path segment (RFC 3986 pchar minus
     * {@code ;} and {@code %}). The one predicate behind three rules: such a character is accepted
     * raw in a request, its escape is decoded, and route patterns may contain it literally
     * ({@code *} excepted, the wildcard).
     */
    public static boolean isPlainPathChar(char c) {
        return isUnreserved(c) || c == '!' || c == '$' || c == '&' || c == '\'' || c == '(' || c == ')'
                || c == '*' || c == '+' || c == ',' || c == '=' || c == ':' || c == '@';
    }

    private static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
                || c == '_' || c == '~';
    }
}
