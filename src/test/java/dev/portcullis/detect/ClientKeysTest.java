package dev.portcullis.detect;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IPv4 addresses are keys as they are; IPv6 addresses share the key of their /64. */
class ClientKeysTest {

    @ParameterizedTest
    @CsvSource({
        "203.0.113.9, 203.0.113.9",
        "::ffff:203.0.113.9, 203.0.113.9",
        "2001:db8:1:2:3:4:5:6, 2001:db8:1:2::/64",
        "2001:db8:1:2:ffff:ffff:ffff:ffff, 2001:db8:1:2::/64",
        "::1, 0:0:0:0::/64",
        "fe80::1, fe80:0:0:0::/64"})
    void keyOf(String address, String key) throws Exception {
        assertThat(ClientKeys.of(InetAddress.getByName(address))).isEqualTo(key);
    }
}
