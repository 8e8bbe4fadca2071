package dev.portcullis.denials;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-28T10:05:42.479Z", "2026-11-28T10:05:42Z", "2026-11-28T10:05:42.4Z",
        "2026-11-28T10:05:42.479123456Z", "2024-02-29T23:59:59.999Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.5Z",
        "2026-11-28T11:05:42.479+01:00", "+12026-01-01T00:00:00Z", "2026-11-28T10:05:42.Z"})
    void readsWhatInstantReads(String ts) {
        assertThat(Timestamps.parseMillis(ts)).isEqualTo(Instant.parse(ts).toEpochMilli());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "yesterday", "2026-11-28", "2026-11-28 10:05:42Z", "2026-13-28T10:05:42Z",
        "2026-02-30T10:05:42Z", "2026-11-28T24:05:42Z", "2026-11-28T10:05:42.4x9Z",
        "2026-11-28T10:05:42.1234567890Z", "1764324342479"})
    void refusesWhatIsNotAnInstant(String ts) {
        assertThat(Timestamps.parseMillis(ts)).isEqualTo(Timestamps.INVALID);
    }

    @ParameterizedTest
    @ValueSource(longs = {0L, 1_764_324_342_000L, 1_764_324_342_479L})
    void formatsWithThreeFractionDigits(long millis) {
        String s = Timestamps.format(millis);
        assertThat(s).hasSize(24).endsWith("Z");
        assertThat(Timestamps.parseMillis(s)).isEqualTo(millis);
    }
}
