package dev.portcullis.forward;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code grpc-timeout}: every unit, the 8-digit bound, and what is malformed (ignored: -1). */
class GrpcTimeoutTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(nullValues = "NULL", value = {
        "1H, 3600000", "2M, 120000", "3S, 3000", "250m, 250", "0m, 0", "1500u, 2", "1000u, 1", "1u, 1",
        "1n, 1", "2000000n, 2", "99999999m, 99999999", "99999999H, 359999996400000", "00000001S, 1000",
        // malformed: ignored
        "NULL, -1", "'', -1", "S, -1", "m, -1", "1, -1", "10, -1", "1s, -1", "1h, -1", "1x, -1", "-1S, -1",
        "+1S, -1", "1.5S, -1", "' 1S', -1", "'1 S', -1", "123456789S, -1", "1S1, -1", "١S, -1", "abc, -1",
    })
    void parses(String value, long millis) {
        assertThat(GrpcTimeout.millis(value)).isEqualTo(millis);
    }
}
