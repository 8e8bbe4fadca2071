package dev.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portcullis.session.Session;
import dev.portcullis.session.TokenSet;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SessionCodecTest {
    private final Session session = new Session("okta", "00u1", new TokenSet("at", "rt", null, 1_000L), 10L, 20L);

    @Test
    void roundTrip() {
        SessionCodec c = new SessionCodec(16 * 1024);
        assertThat(c.decode(c.encode(session))).isEqualTo(session);
    }

    @Test
    void valuesAreSizeLimitedBothWays() {
        SessionCodec small = new SessionCodec(40);
        assertThat(small.encode(session)).isNull();
        byte[] big = new SessionCodec(16 * 1024).encode(session);
        assertThat(small.decode(big)).isNull();
    }

    @Test
    void malformedValuesAreNoSession() {
        SessionCodec c = new SessionCodec(16 * 1024);
        assertThat(c.decode("not json".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(c.decode("{\"iss\":1}".getBytes(StandardCharsets.UTF_8))).isNull();
        assertThat(c.decode(null)).isNull();
    }
}
