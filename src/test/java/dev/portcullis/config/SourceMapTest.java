package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SourceMapTest {
    private static final String TEXT = """
            listen: 127.0.0.1:8080
            routes:
              - id: a
                match: { path: /x }
                allow:
                  - methods: [GET, HEAD]
              - id: b
            """;
    private static SourceMap map;

    @BeforeAll
    static void parse() throws IOException {
        map = SourceMap.of(new YAMLFactory(), TEXT);
    }

    static Stream<Arguments> pointers() {
        return Stream.of(
                arguments("/listen", 1, 1),
                arguments("/routes", 2, 1),
                arguments("/routes/0", 3, 5),
                arguments("/routes/0/id", 3, 5),
                arguments("/routes/0/match", 4, 5),
                arguments("/routes/0/match/path", 4, 14),
                arguments("/routes/0/allow/0/methods", 6, 9),
                arguments("/routes/0/allow/0/methods/1", 6, 24),
                arguments("/routes/1", 7, 5),
                // a pointer with no position of its own takes its nearest ancestor's (the root is at 1:1)
                arguments("/routes/0/match/host", 4, 5),
                arguments("/routes/1/upstream", 7, 5),
                arguments("/routes/9/id", 2, 1),
                arguments("/issuers/0", 1, 1));
    }

    @ParameterizedTest
    @MethodSource("pointers")
    void locatesEveryKeyAndValue(String pointer, int line, int column) {
        assertThat(map.locate(pointer)).containsExactly(line, column);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "/listen", "/routes/0/id"})
    void anEmptyMapKnowsNoPosition(String pointer) {
        assertThat(SourceMap.empty().locate(pointer)).containsExactly(0, 0);
    }
}
