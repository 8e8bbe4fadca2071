package dev.portcullis.denials;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LineReaderTest {

    private static List<String> read(String text, int max, long[] tooLong) throws IOException {
        List<String> out = new ArrayList<>();
        LineReader r = new LineReader(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), max);
        r.readAll((buf, off, len) -> out.add(new String(buf, off, len, StandardCharsets.UTF_8)));
        tooLong[0] = r.tooLong();
        return out;
    }

    @Test
    void splitsOnLfAndCrlfAndKeepsALastLineWithoutNewline() throws IOException {
        long[] tooLong = new long[1];
        assertThat(read("a\r\nbb\n\nccc", 100, tooLong)).containsExactly("a", "bb", "", "ccc");
        assertThat(read("", 100, tooLong)).isEmpty();
        assertThat(read("x\n", 100, tooLong)).containsExactly("x");
    }

    @Test
    void skipsAndCountsLinesOverTheLimitWithoutBufferingThem() throws IOException {
        long[] tooLong = new long[1];
        String huge = "y".repeat(300_000);
        assertThat(read("ok\n" + huge + "\nfine\n" + huge, 1000, tooLong)).containsExactly("ok", "fine");
        assertThat(tooLong[0]).isEqualTo(2);
        assertThat(read("12345\n123456\n", 5, tooLong)).containsExactly("12345");
        assertThat(tooLong[0]).isEqualTo(1);
    }

    @Test
    void joinsLinesThatSpanReadChunks() throws IOException {
        long[] tooLong = new long[1];
        String a = "a".repeat(64 * 1024 - 3);
        String b = "b".repeat(100_000);
        assertThat(read(a + "\n" + b + "\nc", 1 << 20, tooLong)).containsExactly(a, b, "c");
        assertThat(tooLong[0]).isZero();
    }
}
