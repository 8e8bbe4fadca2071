package dev.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.membership.DirectoryEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventCodecTest {
    @Test
    void everyTypeAndFieldRoundTrips() {
        for (DirectoryEvent.Type t : DirectoryEvent.Type.values()) {
            DirectoryEvent e = new DirectoryEvent("u-" + t, t, Instant.parse("2026-01-02T03:04:05.123Z"), "00u1",
                    "a@example.com", "00g1", "admins", "left the team");
            assertThat(EventCodec.decode(EventCodec.encode(e))).isEqualTo(e);
        }
        DirectoryEvent bare = new DirectoryEvent("u", DirectoryEvent.Type.OPERATOR_REVOKE, Instant.EPOCH,
                null, "a@example.com", null, null, null);
        assertThat(EventCodec.decode(EventCodec.encode(bare))).isEqualTo(bare);
    }

    @Test
    void anEventTooLargeToSendIsNotEncoded() {
        DirectoryEvent e = new DirectoryEvent("u", DirectoryEvent.Type.OPERATOR_REVOKE, Instant.EPOCH, null,
                "a", null, null, "r".repeat(EventCodec.MAX_BYTES));
        assertThat(EventCodec.encode(e)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[]", "null", "\"s\"", "{}",
            "{\"type\":\"OPERATOR_REVOKE\",\"published\":\"2026-01-01T00:00:00Z\"}",
            "{\"uuid\":\" \",\"type\":\"OPERATOR_REVOKE\",\"published\":\"2026-01-01T00:00:00Z\"}",
            "{\"uuid\":\"u\",\"type\":\"NO_SUCH\",\"published\":\"2026-01-01T00:00:00Z\"}",
            "{\"uuid\":\"u\",\"type\":\"OPERATOR_REVOKE\",\"published\":\"yesterday\"}",
            "{\"uuid\":\"u\",\"type\":\"OPERATOR_REVOKE\"}",
            "{\"uuid\":7,\"type\":\"OPERATOR_REVOKE\",\"published\":\"2026-01-01T00:00:00Z\"}",
            "{\"uuid\":\"u\",\"type\":\"OPERATOR_REVOKE\",\"published\":\"2026-01-01T00:00:00Z\",\"user_id\":{}}",
            "{\"uuid\":\"u\",\"type\":\"OPERATOR_REVOKE\",\"published\":\"2026-01-01T00:00:00Z\",\"user_id\":[1]}"})
    void malformedBodiesAreRefused(String body) {
        assertThat(EventCodec.decode(body.getBytes(StandardCharsets.UTF_8))).isNull();
    }

    @Test
    void oversizedBodiesAndFieldsAreRefused() {
        String ok = "{\"uuid\":\"u\",\"type\":\"OPERATOR_REVOKE\",\"published\":\"2026-01-01T00:00:00Z\",\"reason\":\"%s\"}";
        assertThat(EventCodec.decode(ok.formatted("r").getBytes(StandardCharsets.UTF_8))).isNotNull();
        assertThat(EventCodec.decode(ok.formatted("r".repeat(EventCodec.MAX_TEXT + 1))
                .getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(EventCodec.decode(ok.formatted(" ".repeat(EventCodec.MAX_BYTES))
                .getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(EventCodec.decode(null)).isNull();
        assertThat(EventCodec.decode(("{\"uuid\":\"" + "u".repeat(EventCodec.MAX_UUID + 1)
                + "\",\"type\":\"OPERATOR_REVOKE\",\"published\":\"2026-01-01T00:00:00Z\"}")
                .getBytes(StandardCharsets.UTF_8))).isNull();
    }
}
