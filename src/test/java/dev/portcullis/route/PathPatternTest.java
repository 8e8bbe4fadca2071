package dev.portcullis.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.List;
import java.util.stream.Stream;
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
                arguments("/a\\b", "character '\\' is not allowed"),
                arguments("/a?b", "character '?' is not allowed"),
                arguments("/caf\u00e9", "is not allowed"));
    }

    @ParameterizedTest
    @MethodSource("refused")
    void refuses(String pattern, String message) {
        assertThatThrownBy(() -> PathPattern.parse(pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }
}
