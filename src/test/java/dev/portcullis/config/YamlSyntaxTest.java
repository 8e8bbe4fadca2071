package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken YAML is reported where the fix goes, with the likely cause and a hint line, in the
 * words of the config author rather than the parser's ("while scanning a simple key …").
 */
class YamlSyntaxTest {
    private static final String FILE = "portcullis.yaml";

    static Stream<Arguments> brokenFiles() {
        return Stream.of(
                // name, text, line, column, cause fragment, hint fragment
                arguments("a tab indents a key", "routes:\n  - id: a\n\tupstream: x\n", 3, 1,
                        "a tab indents this line, and YAML does not allow tabs in indentation", "indent with spaces"),
                arguments("a tab after spaces", "listen: 127.0.0.1:8080\nadmin:\n  \tlisten: x\n", 3, 3,
                        "a tab indents this line", "indent with spaces"),
                arguments("a key indented deeper than its sibling",
                        "listen: 127.0.0.1:8080\nroutes:\n  - id: a\n     upstream: x\n", 4, 6,
                        "this line is indented deeper than line 3, so it is read as part of that line's value",
                        "indent it to column 5, like the key on line 3"),
                arguments("a nested key indented deeper than its sibling", "admin:\n  listen: x\n   other: y\n", 3, 4,
                        "indented deeper than line 2", "indent it to column 3"),
                arguments("no space after ':', then an indented line",
                        "routes:\n  - id:orders\n    upstream: http://127.0.0.1:9001\n", 2, 3,
                        "'- id:orders' has no space after ':', so it is read as text, and the indented line 3",
                        "write 'id: orders', with a space after the ':'"),
                arguments("no space after ':'", "routes:\n  - id: a\n    upstream:x\n    match: { path: /a }\n", 3, 5,
                        "'upstream:x' has no space after ':'", "write 'upstream: x'"),
                arguments("a key indented less than its siblings",
                        "listen: 127.0.0.1:8080\nissuers:\n  - id: a\n   issuer: b\n", 4, 4,
                        "this line's indentation (column 4) does not line up with the lines above it "
                                + "(the list starting at line 3, column 3)", "as many spaces as its siblings"),
                arguments("a key between two levels", "admin:\n    listen: x\n  other: y\n", 3, 3,
                        "does not line up with the lines above it (the mapping starting at line 1, column 1)",
                        "start in the same column"),
                arguments("an unclosed double quote", "listen: \"127.0.0.1:8080\nroutes: []\n", 1, 9,
                        "the quote that opens here is never closed", "end the value with the same quote"),
                arguments("an unclosed single quote", "routes: []\nlisten: '127.0.0.1:8080\n", 2, 9,
                        "the quote that opens here is never closed", "write '' for one '"),
                arguments("an unclosed '['",
                        "issuers:\n  - id: a\n    audiences: [api://default\nroutes: []\n", 4, 7,
                        "the '[' opened at line 3, column 16 is not closed: expected ',' or ']' before this",
                        "close it with ']'"),
                arguments("an unclosed '{'", "routes:\n  - match: { path: /x\n    upstream: y\n", 3, 13,
                        "the '{' opened at line 2, column 12 is not closed", "close it with '}'"),
                arguments("a '[' open at the end of the file", "routes: [ {\n\n", 1, 12,
                        "the file ends inside a '[…]' or '{…}' that is not closed", "close every '['"),
                arguments("a stray ']'", "trusted_proxies: [10.0.0.0/8]]\n", 1, 30,
                        "a ']' that closes nothing", "remove it"),
                arguments("a repeated key", "listen: 127.0.0.1:8080\nlisten: 127.0.0.1:8081\n", 2, 1,
                        "key 'listen' appears a second time in the same mapping", "keep one 'listen'"),
                arguments("a repeated rule key",
                        "routes:\n  - id: a\n    allow:\n      - groups_any: [a]\n        groups_any: [b]\n", 5, 9,
                        "key 'groups_any' appears a second time", "merge their entries"),
                arguments("': ' inside a value", "listen: 127.0.0.1: 8080\n", 1, 18,
                        "a value contains ': ', which YAML reads as the start of a mapping", "put the value in quotes"),
                arguments("a quote inside a quoted value", "routes: []\nlisten: 'it's'\n", 2, 13,
                        "text after the end of a value", "put the whole value in quotes"),
                arguments("a reserved character", "listen: @here\n", 1, 9,
                        "the character '@' cannot start a value", "put the value in quotes"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFiles")
    void aSyntaxErrorSaysWhereAndWhyWithAHint(String name, String text, int line, int column, String cause,
            String hint) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> new ConfigReader(Map.of()).read(FILE, text));

        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.toString()).startsWith(FILE + ":" + line + ":" + column + ": not valid YAML: ")
                    .contains(cause);
            assertThat(err.message().lines().toList()).hasSize(2).last().asString().startsWith("  hint: ")
                    .contains(hint);
            // the parser's own words are replaced, not appended
            assertThat(err.message()).doesNotContain("while ", "<block", "expected <", "Duplicate field",
                    "DeserializationFeature", "(TAB)", "in 'reader'");
        });
    }
}
