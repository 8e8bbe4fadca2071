package dev.portcullis.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One path for the policy and the upstream: what is normalized, and what is refused because
 * servers would read it differently.
 */
class PathNormalizerTest {

    static Stream<Arguments> normalized() {
        return Stream.of(
                // name, request-target, path, query
                arguments("plain", "/orders/42", "/orders/42", null),
                arguments("root", "/", "/", null),
                arguments("trailing slash kept", "/orders/", "/orders/", null),
                arguments("sub-delimiters and : @ kept", "/a/b:c@d!$&'()*+,=", "/a/b:c@d!$&'()*+,=", null),

                arguments("dot segment", "/a/./b", "/a/b", null),
                arguments("dot-dot segment", "/a/b/../c", "/a/c", null),
                arguments("dot-dot to root", "/a/..", "/", null),
                arguments("trailing dot", "/a/b/.", "/a/b/", null),
                arguments("trailing dot-dot", "/a/b/..", "/a/", null),
                arguments("lone dot", "/.", "/", null),
                arguments("encoded dot-dot", "/a/b/%2e%2e/c", "/a/c", null),
                arguments("mixed-case encoded dot-dot", "/a/b/%2E%2e/c", "/a/c", null),
                arguments("half-encoded dot-dot", "/a/b/.%2E/c", "/a/c", null),
                arguments("encoded dot", "/a/%2e/b", "/a/b", null),
                arguments("encoded dot-dot climbing out of a route", "/public/%2e%2e/admin", "/admin", null),
                arguments("dots inside names are not segments", "/a/..b/c.d/...", "/a/..b/c.d/...", null),

                arguments("unreserved letter decoded", "/%41bc", "/Abc", null),
                arguments("unreserved tilde decoded", "/%7Euser", "/~user", null),
                arguments("lower-case escape of unreserved decoded", "/%7euser/%2d%5f", "/~user/-_", null),
                arguments("encoded ':' decoded", "/v1/orders%3abatchDelete", "/v1/orders:batchDelete", null),
                arguments("encoded '@' decoded", "/v1/users/root%40example.com/keys", "/v1/users/root@example.com/keys",
                        null),
                arguments("encoded sub-delimiters decoded", "/a/%21%24%26%27%28%29%2A%2B%2C%3D",
                        "/a/!$&'()*+,=", null),
                arguments("encoded '*' decoded, a plain segment", "/a/%2a", "/a/*", null),
                arguments("':' decoded beside a kept '?'", "/a%3A%3Fb", "/a:%3Fb", null),
                arguments("reserved delimiter kept with upper-case hex", "/a%5bb%5d", "/a%5Bb%5D", null),
                arguments("space kept encoded", "/a%20b", "/a%20b", null),
                arguments("'?' kept encoded", "/a%3fb", "/a%3Fb", null),
                arguments("'#' kept encoded", "/a%23", "/a%23", null),
                arguments("encoded ';' kept encoded", "/a%3bjsessionid=x", "/a%3Bjsessionid=x", null),
                arguments("encoded non-ASCII byte kept encoded", "/caf%c3%a9", "/caf%C3%A9", null),
                arguments("%25 kept so %252e never becomes a dot", "/a/%252e%252e/b", "/a/%252e%252e/b", null),
                arguments("%25 kept", "/100%25", "/100%25", null),

                arguments("double slashes merged", "//a//b///c", "/a/b/c", null),
                arguments("double slash after dot segment", "/a/.//b", "/a/b", null),
                arguments("query kept as is", "/a/../b?x=%2f&y=/../z", "/b", "x=%2f&y=/../z"),
                arguments("empty query kept", "/a?", "/a", ""),
                arguments("query with '?'", "/a?b?c", "/a", "b?c"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("normalized")
    void normalizes(String name, String target, String path, String query) {
        RequestTarget t = PathNormalizer.normalize(target);

        assertThat(t).isEqualTo(new RequestTarget(path, query));
        assertThat(t.toUri()).isEqualTo(query == null ? path : path + "?" + query);
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments("empty", ""),
                arguments("relative", "a/b"),
                arguments("asterisk-form", "*"),
                arguments("absolute-form", "http://example.com/a"),
                arguments("query only", "?a"),

                arguments("above the root", "/.."),
                arguments("above the root, later", "/a/../../b"),
                arguments("above the root, encoded", "/%2e%2e/etc/passwd"),
                arguments("above the root, mixed case", "/a/%2E%2e/%2e%2E/b"),

                arguments("encoded slash", "/a%2fb"),
                arguments("encoded slash, upper case", "/a%2Fb"),
                arguments("encoded slash in dot-dot", "/a/..%2f..%2fb"),
                arguments("encoded backslash", "/a%5Cb"),
                arguments("encoded backslash, lower case", "/a%5cb"),
                arguments("raw backslash", "/a\\b"),
                arguments("raw backslash dot-dot", "/a\\..\\b"),
                arguments("path parameter", "/a;jsessionid=x"),
                arguments("path parameter hiding dot-dot", "/a/..;/admin"),

                arguments("encoded NUL", "/a%00b"),
                arguments("encoded control byte", "/a%0d%0aX-Injected:1"),
                arguments("encoded DEL", "/a%7f"),
                arguments("raw NUL", "/a\u0000b"),
                arguments("raw tab", "/a\tb"),
                arguments("raw DEL", "/a\u007fb"),
                arguments("raw space", "/a b"),
                arguments("raw '\"'", "/a\"b"),
                arguments("raw '<'", "/a<b"),
                arguments("raw '%' alone", "/100%"),

                arguments("raw non-ASCII", "/caf\u00e9"),
                arguments("raw non-ASCII, beyond Latin-1", "/\u2215etc"),
                arguments("escape of non-ASCII hex digits", "/%\u0664\u0661"),
                arguments("escape of full-width hex digits", "/%\uff14\uff11"),

                arguments("malformed escape", "/a%zz"),
                arguments("malformed escape, one hex digit", "/a%4g"),
                arguments("truncated escape", "/a%4"),
                arguments("trailing %", "/a%"),

                arguments("query with space", "/a?b c"),
                arguments("query with tab", "/a?b\tc"),
                arguments("query with control byte", "/a?b\u0001"),
                arguments("query with non-ASCII", "/a?q=caf\u00e9"),
                arguments("fragment", "/a#frag"),
                arguments("fragment after query", "/a?b#frag"));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("refused")
    void refuses(String name, String target) {
        assertThat(PathNormalizer.normalize(target)).isNull();
    }

    /**
     * Every escape, all 256 bytes in both hex cases: a plain character (one a pattern may name
     * literally, see {@link PathPatternTest}) is decoded; {@code /}, {@code \} and control bytes
     * are refused; every other byte stays encoded, upper-case, and never matches a literal.
     */
    @ParameterizedTest(name = "%{0}")
    @MethodSource("everyByte")
    void everyEscapeIsDecodedExactlyWhenItsCharacterIsPlain(String hex) {
        char c = (char) Integer.parseInt(hex, 16);
        for (String spelled : new String[] {hex.toUpperCase(java.util.Locale.ROOT), hex.toLowerCase(java.util.Locale.ROOT)}) {
            RequestTarget t = PathNormalizer.normalize("/x%" + spelled + "y");
            if (c < 0x20 || c == 0x7F || c == '/' || c == '\\') {
                assertThat(t).as("%%%s", spelled).isNull();
            } else if (PathNormalizer.isPlainPathChar(c)) {
                assertThat(t.path()).as("%%%s", spelled).isEqualTo("/x" + c + "y");
            } else {
                assertThat(t.path()).as("%%%s", spelled).isEqualTo("/x%" + hex.toUpperCase(java.util.Locale.ROOT) + "y");
            }
        }
    }

    static Stream<String> everyByte() {
        return java.util.stream.IntStream.range(0, 256).mapToObj(b -> String.format("%02x", b));
    }

    /** Normalizing twice changes nothing: the upstream must see what the policy judged. */
    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("normalized")
    void isIdempotent(String name, String target, String path, String query) {
        RequestTarget once = PathNormalizer.normalize(target);

        assertThat(PathNormalizer.normalize(once.toUri())).isEqualTo(once);
    }
    /** A target that needs no normalizing is forwarded as the client's own string; any other is rebuilt. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"/a/b", "/a/b?x=1", "/a/b?", "/a//b", "/a/%41",
        "/a/./b", "/a/b/..", "/", "/?q", "/a?b?c", "/a/b%20c?d", "/a:b@c?x=%2F", "/a/b%2e", "/a/b?x=1#"})
    void aTargetThatNeedsNoNormalizingIsItsOwnUri(String raw) {
        RequestTarget t = PathNormalizer.normalize(raw);
        if (t != null) {
            assertThat(t.isUri(raw)).as(raw).isEqualTo(raw.equals(t.toUri()));
            assertThat(t.isUri(t.toUri())).isTrue();
        }
    }
}
