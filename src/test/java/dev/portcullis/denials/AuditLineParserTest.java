package dev.portcullis.denials;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AuditLineParserTest {
    private static final String TS = "2026-11-28T10:05:42.479Z";
    private static final long MILLIS = Instant.parse(TS).toEpochMilli();

    private static AuditLine parse(AuditLineParser p, String line) {
        byte[] b = ("xx" + line + "yy").getBytes(StandardCharsets.UTF_8);
        return p.parse(b, 2, b.length - 4);
    }

    @Test
    void readsTheDocumentedDecisionLine() {
        String line = "{\"ts\":\"" + TS + "\",\"event\":\"decision\",\"request_id\":\"304u944fg-3\",\"decision\":\"deny\","
                + "\"reason\":\"group_denied\",\"route\":\"orders\",\"method\":\"DELETE\",\"path\":\"/orders/42\","
                + "\"status\":403,\"duration_us\":3210,\"client\":\"127.0.0.1\",\"issuer\":\"dev\","
                + "\"subject\":\"alice@example.com\",\"jti\":\"22446be9\",\"cid\":\"portcullis-demo\",\"trace_id\":\"abc\"}";

        assertThat(parse(new AuditLineParser(), line)).isEqualTo(new AuditLine.Decision(MILLIS, AuditLine.Outcome.DENY,
                "group_denied", "orders", "127.0.0.1", "alice@example.com"));
    }

    @Test
    void readsASessionLineWithItsCredentialAndSessionEvent() {
        String line = "{\"ts\":\"" + TS + "\",\"event\":\"decision\",\"request_id\":\"304u944fg-4\",\"decision\":\"deny\","
                + "\"reason\":\"session_expired\",\"route\":\"app\",\"method\":\"GET\",\"path\":\"/app/x\","
                + "\"status\":401,\"duration_us\":210,\"client\":\"127.0.0.1\",\"credential\":\"session\","
                + "\"session_event\":\"refresh_failed\"}";

        assertThat(parse(new AuditLineParser(), line)).isEqualTo(new AuditLine.Decision(MILLIS, AuditLine.Outcome.DENY,
                "session_expired", "app", "127.0.0.1", null));
    }

    @Test
    void absentRouteAndSubjectAndAnyFieldOrderAndUnknownNestedFields() {
        String line = "{\"client\":\"10.0.0.9\",\"route\":null,\"extra\":{\"decision\":\"allow\",\"a\":[1,{\"b\":2}]},"
                + "\"reason\":\"no_route\",\"decision\":\"deny\",\"event\":\"decision\",\"ts\":\"" + TS + "\"}";

        assertThat(parse(new AuditLineParser(), line)).isEqualTo(new AuditLine.Decision(MILLIS, AuditLine.Outcome.DENY,
                "no_route", "-", "10.0.0.9", null));
    }

    static Stream<Arguments> otherLines() {
        return Stream.of(
                Arguments.of("{\"event\":\"audit_dropped\",\"count\":42}", new AuditLine.OtherEvent("audit_dropped", 42)),
                // Why: an intrusion event carries decision-like fields; it must not count as a denial.
                Arguments.of("{\"ts\":\"" + TS + "\",\"event\":\"intrusion_suspected\",\"decision\":\"deny\","
                        + "\"client\":\"10.0.0.9\",\"reason\":\"token_expired\"}",
                        new AuditLine.OtherEvent("intrusion_suspected", 0)),
                Arguments.of("{\"ts\":\"" + TS + "\",\"decision\":\"deny\"}", new AuditLine.OtherEvent("-", 0)),
                Arguments.of("10:05:42.479 WARN [main] something else", new AuditLine.NotJson(false)),
                Arguments.of("[1,2,3]", new AuditLine.NotJson(false)),
                Arguments.of("\"decision\"", new AuditLine.NotJson(false)),
                Arguments.of("{\"ts\":\"" + TS + "\",\"event\":\"decision\",\"decision\":\"deny\",\"rea",
                        new AuditLine.NotJson(false)),
                Arguments.of("{\"ts\":\"" + TS + "\",\"event\":\"decision\",\"decision\":\"deny\"} trailing",
                        new AuditLine.NotJson(false)),
                Arguments.of("{\"a\":1}{\"b\":2}", new AuditLine.NotJson(false)),
                Arguments.of("", new AuditLine.NotJson(true)),
                Arguments.of(" \t\r", new AuditLine.NotJson(true)),
                Arguments.of("{\"ts\":\"" + TS + "\",\"event\":\"decision\",\"decision\":\"maybe\"}",
                        new AuditLine.InvalidDecision("decision is not allow, deny or error")),
                Arguments.of("{\"ts\":\"yesterday\",\"event\":\"decision\",\"decision\":\"deny\"}",
                        new AuditLine.InvalidDecision("ts is missing or not an ISO-8601 instant")),
                Arguments.of("{\"event\":\"decision\",\"decision\":\"allow\"}",
                        new AuditLine.InvalidDecision("ts is missing or not an ISO-8601 instant")));
    }

    @ParameterizedTest
    @MethodSource("otherLines")
    void classifiesLinesThatAreNotCountableDecisions(String line, AuditLine expected) {
        assertThat(parse(new AuditLineParser(), line)).isEqualTo(expected);
    }

    @Test
    void aDecisionOutsideTheRangeIsReadOnlyToItsTimestamp() {
        AuditLineParser p = new AuditLineParser(MILLIS + 1, MILLIS + 1000);
        // The rest of the line is never read: even a torn tail does not change the answer.
        String prefix = "{\"ts\":\"" + TS + "\",\"event\":\"decision\",\"request_id\":\"r1\",\"decision\":\"deny\",";

        assertThat(parse(p, prefix + "\"reason\":\"x\",\"client\":\"c\"}")).isEqualTo(new AuditLine.OutsideWindow(MILLIS));
        assertThat(parse(p, prefix + "\"rea")).isEqualTo(new AuditLine.OutsideWindow(MILLIS));
        // Inside the range, the whole line is read and must be valid.
        AuditLineParser in = new AuditLineParser(MILLIS, MILLIS);
        assertThat(parse(in, prefix + "\"rea")).isEqualTo(new AuditLine.NotJson(false));
        assertThat(parse(in, prefix + "\"client\":\"c\"}")).isInstanceOf(AuditLine.Decision.class);
    }

    @Test
    void cutsLongKeysSoMemoryStaysBounded() {
        String longClient = "c".repeat(10_000);
        AuditLine line = parse(new AuditLineParser(), "{\"ts\":\"" + TS + "\",\"event\":\"decision\",\"decision\":\"deny\","
                + "\"reason\":\"token_missing\",\"client\":\"" + longClient + "\"}");

        assertThat(((AuditLine.Decision) line).client()).hasSize(AuditLineParser.MAX_KEY_CHARS);
    }
}
