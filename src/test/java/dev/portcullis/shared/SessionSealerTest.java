package dev.portcullis.shared;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Sessions sealed with AES-GCM: round trip, rotation, and every way a value must not open. */
class SessionSealerTest {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final byte[] oldKey = key();
    private final byte[] newKey = key();
    private static final byte[] SESSION = "{\"refresh\":\"rt-secret-123\"}".getBytes(StandardCharsets.UTF_8);

    private static byte[] key() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return k;
    }

    @Test
    void roundTripAndTheValueHoldsNoToken() {
        SessionSealer s = new SessionSealer(List.of(newKey));
        byte[] sealed = s.seal("p:s:abc", SESSION);

        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("rt-secret-123");
        assertThat(s.open("p:s:abc", sealed)).isEqualTo(SESSION);
        assertThat(s.seal("p:s:abc", SESSION)).isNotEqualTo(sealed); // a fresh IV each time
    }

    @Test
    void theFirstKeySealsAndEveryListedKeyOpens() {
        byte[] underOld = new SessionSealer(List.of(oldKey)).seal("k", SESSION);
        SessionSealer rotated = new SessionSealer(List.of(newKey, oldKey));

        assertThat(rotated.open("k", underOld)).isEqualTo(SESSION);
        assertThat(new SessionSealer(List.of(newKey)).open("k", rotated.seal("k", SESSION))).isEqualTo(SESSION);
        assertThat(new SessionSealer(List.of(newKey)).open("k", underOld)).as("old key dropped").isNull();
    }

    @Test
    void alteredMovedOrForeignValuesDoNotOpen() {
        SessionSealer s = new SessionSealer(List.of(newKey));
        byte[] sealed = s.seal("k1", SESSION);
        byte[] flipped = sealed.clone();
        flipped[flipped.length - 1] ^= 1;

        assertThat(s.open("k2", sealed)).as("copied under another key").isNull();
        assertThat(s.open("k1", flipped)).isNull();
        assertThat(s.open("k1", SESSION)).as("plain text").isNull();
        assertThat(s.open("k1", new byte[3])).isNull();
        assertThat(s.open("k1", null)).isNull();
    }

    @Test
    void keysAreAtLeast32Bytes() {
        assertThatThrownBy(() -> new SessionSealer(List.of(new byte[31]))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new SessionSealer(List.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
