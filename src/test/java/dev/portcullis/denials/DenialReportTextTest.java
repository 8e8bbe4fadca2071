package dev.portcullis.denials;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DenialReportTextTest {

    @ParameterizedTest
    @CsvSource({"900000, 15m", "5400000, 1h30m", "172800000, 2d", "42000, 42s", "3928, 3s928ms", "250, 250ms", "0, 0ms",
        "90061001, 1d1h1m1s1ms"})
    void durationsAreExact(long millis, String text) {
        assertThat(DenialReportText.formatDuration(millis)).isEqualTo(text);
    }

    @Test
    void anEmptyInputSaysSoAndOverflowIsShownAsOther() {
        DenialReport.Counted<String> c = new DenialReport.Counted<>("10.0.0.1", 3, 0, 1000);
        DenialReport r = new DenialReport("x.log", null, false, new DenialReport.Totals(0, 0, 0, 0, 0, 0),
                List.of(c), List.of(), List.of(), List.of(), List.of(),
                new DenialReport.Overflow(5, 7, 0, 0, 0, 0),
                new DenialReport.Lines(3, 0, 0, Map.of(), 0, 1, 0, 0, 2));

        String text = DenialReportText.render(r);

        assertThat(text).contains("window     (no decision in the input)\n",
                "top subjects\n  (none)\n",
                "         7    0.0%                                                      (other)\n",
                "input      3 lines: 0 decisions (0 outside the window), 0 other events, 1 not JSON, "
                        + "0 invalid decisions, 2 too long\n",
                "note: a list reached 5 distinct keys (--max-keys)");
        assertThat(text).doesNotContain("warning:");
    }
}
