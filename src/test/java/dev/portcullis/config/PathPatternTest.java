package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.portcullis.route.PathNormalizer;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PathPatternTest {

    static Stream<Arguments> patterns() {
        return Stream.of(
                arguments("/", List.of(""), false),
                arguments("/**", List.of(), true),
                arguments("/a", List.of("a"), false),
                arguments("/a/", List.of("a", ""), false),
                arguments("/a/**", List.of("a"), true),
                arguments("/a/*", List.of("a", "*"), false),
                arguments("/a/*/b/**", List.of("a", "*", "b"), true),
                arguments("/v1/users:search", List.of("v1", "users:search"), false),
                arguments("/~user/a.b-c_d", List.of("~user", "a.b-c_d"), false));
    }

    @ParameterizedTest
    @MethodSource("patterns")
    void parses(String pattern, List<String> segments, boolean subtree) {
        assertThat(PathPattern.parse(pattern)).isEqualTo(new PathPattern(segments, subtree));
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                arguments("/a/**/b", "'**' may only end a pattern"),
                arguments("/**/a", "'**' may only end a pattern"),
                arguments("/a/**/", "'**' may only end a pattern"),
                arguments("a", "starts with '/'"),
                arguments("", "starts with '/'"),
                arguments("*", "starts with '/'"),
                arguments("/a*", "'*' must be a whole segment"),
                arguments("/a*b", "'*' must be a whole segment"),
                arguments("/a/b**", "'*' must be a whole segment"),
                arguments("/a/***", "'*' must be a whole segment"),
                arguments("/a/../b", "dot segments are not allowed"),
                arguments("/a/./b", "dot segments are not allowed"),
                arguments("/..", "dot segments are not allowed"),
                arguments("/a//b", "empty segment"),
                arguments("//a", "empty segment"),
                arguments("/a%2Fb", "character '%' is not allowed"),
                arguments("/a b", "character ' ' is not allowed"),
                arguments("/a;b", "character ';' is not allowed"),
                arguments("/a%3Bb", "character '%' is not allowed"),
                arguments("/a%3Ab", "character '%' is not allowed"),
                arguments("/a\\b", "character '\\' is not allowed"),
                arguments("/a?b", "character '?' is not allowed"),
                arguments("/caf\u00e9", "is not allowed"));
    }

    /**
     * The characters a pattern may name literally are exactly those the normalizer leaves plain
     * (and decodes from escapes), {@code *} excepted: the wildcard is never a literal. So no
     * literal route can be skipped by an escape, and no escape left encoded can meet a literal.
     */
    @Test
    void aLiteralMayHoldExactlyThePlainCharactersButTheWildcard() {
        for (char c = 0; c < 0x100; c++) {
            boolean accepted;
            try {
                PathPattern.parse("/a" + c + "b");
                accepted = true;
            } catch (IllegalArgumentException e) {
                accepted = false;
            }
            boolean expected = c == '/' || (c != '*' && PathNormalizer.isPlainPathChar(c));
            assertThat(accepted).as("'%s' (0x%02X)", c, (int) c).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refuses(String pattern, String message) {
        assertThatThrownBy(() -> PathPattern.parse(pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
