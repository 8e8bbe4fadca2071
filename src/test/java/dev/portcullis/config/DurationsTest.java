package dev.portcullis.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    static Stream<Arguments> durations() {
        return Stream.of(
                arguments("500ms", Duration.ofMillis(500)),
                arguments("0s", Duration.ZERO),
                arguments("30s", Duration.ofSeconds(30)),
                arguments("5m", Duration.ofMinutes(5)),
                arguments("1h", Duration.ofHours(1)),
                arguments("2d", Duration.ofDays(2)),
                arguments(" 30s ", Duration.ofSeconds(30)),
                arguments("999999999999ms", Duration.ofMillis(999_999_999_999L)));
    }

    @ParameterizedTest
    @MethodSource("durations")
    void parses(String text, Duration expected) {
        assertThat(Durations.parse(text)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "s", "30", "-1s", "+1s", "1.5s", "30sec", "1w", "1H", "1 h s", "ms",
        "1000000000000s", "PT30S"})
    void refuses(String text) {
        assertThat(Durations.parse(text)).isNull();
    }

    static Stream<Arguments> formats() {
        return Stream.of(
                arguments(Duration.ofMillis(500), "500ms"),
                arguments(Duration.ofMillis(1500), "1500ms"),
                arguments(Duration.ZERO, "0s"),
                arguments(Duration.ofSeconds(30), "30s"),
                arguments(Duration.ofSeconds(90), "90s"),
                arguments(Duration.ofMinutes(5), "5m"),
                arguments(Duration.ofHours(1), "1h"),
                arguments(Duration.ofHours(48), "48h"));
    }

    @ParameterizedTest
    @MethodSource("formats")
    void formatsSoThatParseReadsItBack(Duration d, String text) {
        assertThat(Durations.format(d)).isEqualTo(text);
        assertThat(Durations.parse(text)).isEqualTo(d);
    }
}
