package dev.portcullis.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PathCaseTest {

    static Stream<Arguments> folds() {
        return Stream.of(
                arguments("admin", "admin"),
                arguments("ADMIN", "admin"),
                arguments("Orders:BatchDelete", "orders:batchdelete"),
                arguments("root@Example.COM", "root@example.com"),
                arguments("%C4%B0D", "id"),
                arguments("%C4%B1D", "id"),
                arguments("%C5%BFecret", "secret"),
                arguments("%E2%84%AAeys", "keys"),
                arguments("caf%C3%A9", "caf%C3%A9"),
                arguments("a%20B", "a%20b"),
                arguments("%E2%84%AB", "%E2%84%AB"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("folds")
    void folds(String segment, String folded) {
        assertThat(PathCase.fold(segment)).isEqualTo(folded);
    }

    @Test
    void aSegmentWithNothingToFoldIsReturnedAsItIs() {
        String s = "already-lower";
        assertThat(PathCase.fold(s)).isSameAs(s);
    }

    /**
     * The non-ASCII letters folded are exactly those whose simple case mappings (as Java's
     * {@code Character} and .NET's invariant culture use them) reach an ASCII letter.
     */
    @Test
    void theNonAsciiLettersFoldedAreAllThatFoldToAscii() {
        StringBuilder found = new StringBuilder();
        for (int cp = 0x80; cp <= Character.MAX_CODE_POINT; cp++) {
            int lower = Character.toLowerCase(cp);
            int upper = Character.toUpperCase(cp);
            if ((lower < 0x80 && Character.isLetter(lower)) || (upper < 0x80 && Character.isLetter(upper))) {
                found.appendCodePoint(cp);
            }
        }
        assertThat(found.toString()).isEqualTo("\u0130\u0131\u017f\u212a");
        for (int i = 0; i < found.length(); i++) {
            String escaped = escape(String.valueOf(found.charAt(i)));
            String ascii = String.valueOf((char) Character.toLowerCase(
                    Character.toLowerCase(found.charAt(i)) < 0x80 ? Character.toLowerCase(found.charAt(i))
                            : Character.toUpperCase(found.charAt(i))));
            assertThat(PathCase.fold(escaped)).as(escaped).isEqualTo(ascii);
        }
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            sb.append('%').append(String.format("%02X", b & 0xFF));
        }
        return sb.toString();
    }
}
